package dev.vigil.streams;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.vigil.common.json.Json;
import dev.vigil.controls.state.Facet;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One stored facet entry: the JSON envelope {@code {"writtenAt": epochMillis, "value": <the fact>}}
 * of a {@code subject-<facet>} store, with its {@code writtenAt} and its fact decoded on first use
 * and kept. Both are pure functions of the bytes, so an envelope may be shared by every reader of
 * the same bytes ({@link FactCache}). Facts are immutable records: sharing the decoded instance is
 * safe.
 *
 * <p>The envelope is read with the streaming parser, not as a tree: {@code writtenAt} (the retention
 * and trim checks) costs a few tokens instead of a parse of the whole fact, and the fact is bound
 * straight from the tokens.
 */
final class FactEnvelope {

    private static final ObjectMapper JSON = Json.mapper();
    /** Binds the fact in the middle of the envelope: the envelope's closing brace is not a trailing token. */
    private static final ClassValue<ObjectReader> READERS = new ClassValue<>() {
        @Override
        protected ObjectReader computeValue(Class<?> type) {
            return JSON.readerFor(type).without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        }
    };

    private static final long UNREAD = Long.MIN_VALUE;
    private static final Object UNDECODED = new Object();

    private final byte[] bytes;
    private volatile long writtenAt = UNREAD;
    private volatile Object value = UNDECODED;

    FactEnvelope(byte[] bytes) {
        this.bytes = bytes;
    }

    byte[] bytes() {
        return bytes;
    }

    long writtenAt() {
        long at = writtenAt;
        if (at == UNREAD) {
            at = writtenAtOf(bytes);
            writtenAt = at;
        }
        return at;
    }

    <T> T value(Facet<T> facet) {
        Object v = value;
        if (v == UNDECODED) {
            v = decode(facet, bytes);
            value = v;
        }
        return facet.type().cast(v);
    }

    boolean expired(Facet<?> facet, long nowMillis) {
        return writtenAt() + facet.retention().toMillis() <= nowMillis;
    }

    /** The envelope of {@code value} written at {@code writtenAt}: same JSON as a tree would give. */
    static byte[] encode(long writtenAt, Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator gen = JSON.getFactory().createGenerator(out)) {
            gen.writeStartObject();
            gen.writeNumberField("writtenAt", writtenAt);
            gen.writeFieldName("value");
            JSON.writeValue(gen, value);
            gen.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** {@code writtenAt} of an envelope (0 when absent, as a tree's {@code path().asLong()} gave). */
    static long writtenAtOf(byte[] envelope) {
        try (JsonParser p = JSON.getFactory().createParser(envelope)) {
            expectObject(p);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                if ("writtenAt".equals(field)) {
                    return t.isNumeric() ? p.getValueAsLong() : p.getValueAsLong(0);
                }
                p.skipChildren();
            }
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException("facet entry is not JSON", e);
        }
    }

    private static <T> T decode(Facet<T> facet, byte[] envelope) {
        try (JsonParser p = JSON.getFactory().createParser(envelope)) {
            expectObject(p);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                if ("value".equals(field)) {
                    return t == JsonToken.VALUE_NULL
                            ? null
                            : facet.type().cast(READERS.get(facet.type()).readValue(p));
                }
                p.skipChildren();
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("facet " + facet.name() + ": stored value is not a " + facet.type(), e);
        }
    }

    private static void expectObject(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new IOException("facet entry is not a JSON object");
        }
    }
}
