package dev.vigil.common.http;

import dev.vigil.common.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a handler answers: a status, headers and either bytes or a streaming writer. */
public final class Response {

    /** Writes a streamed body; used for exports and event streams that must not build in memory. */
    @FunctionalInterface
    public interface BodyWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    private final int status;
    private final String contentType;
    private final byte[] body;
    private final BodyWriter writer;
    private final long length;
    private final Map<String, String> headers = new LinkedHashMap<>();

    private Response(int status, String contentType, byte[] body, BodyWriter writer) {
        this(status, contentType, body, writer, -1);
    }

    private Response(int status, String contentType, byte[] body, BodyWriter writer, long length) {
        this.status = status;
        this.contentType = contentType;
        this.body = body;
        this.writer = writer;
        this.length = length;
    }

    public static Response json(int status, Object value) {
        try {
            return new Response(status, "application/json", Json.mapper().writeValueAsBytes(value), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Response problem(Problem problem) {
        try {
            return new Response(
                    problem.status(), "application/problem+json", Json.mapper().writeValueAsBytes(problem), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Response text(int status, String contentType, String text) {
        return new Response(status, contentType, text.getBytes(StandardCharsets.UTF_8), null);
    }

    public static Response bytes(int status, String contentType, byte[] body) {
        return new Response(status, contentType, body, null);
    }

    public static Response stream(int status, String contentType, BodyWriter writer) {
        return new Response(status, contentType, null, writer);
    }

    /**
     * A streamed body of a length known in advance: sent with {@code Content-Length} (not chunked),
     * so a client can tell a complete body from one cut short. The writer must write exactly
     * {@code length} bytes. A HEAD request gets the headers only.
     */
    public static Response stream(int status, String contentType, long length, BodyWriter writer) {
        if (length < 0) {
            throw new IllegalArgumentException("negative length " + length);
        }
        return new Response(status, contentType, null, writer, length);
    }

    public Response header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public int status() {
        return status;
    }

    public String contentType() {
        return contentType;
    }

    public byte[] body() {
        return body;
    }

    BodyWriter writer() {
        return writer;
    }

    /** Length of a streamed body, -1 when unknown (chunked). */
    long length() {
        return length;
    }

    Map<String, String> headers() {
        return headers;
    }
}
