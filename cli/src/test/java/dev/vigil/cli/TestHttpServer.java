package dev.vigil.cli;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real HTTP server on a loopback port that answers from a script (status, headers, body) and
 * records every request it received: what the CLI really put on the wire.
 */
final class TestHttpServer implements AutoCloseable {

    record Answer(int status, Map<String, String> headers, String body) {}

    record Received(String method, String path, String rawQuery, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0))
                    .findFirst()
                    .orElse(null);
        }
    }

    private final HttpServer server;
    private final Deque<Answer> script = new ArrayDeque<>();
    private Answer last = new Answer(500, Map.of(), "{}");
    final List<Received> received = new CopyOnWriteArrayList<>();

    TestHttpServer(Answer... answers) {
        script.addAll(List.of(answers));
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(new Received(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath(),
                    exchange.getRequestURI().getRawQuery(),
                    Map.copyOf(exchange.getRequestHeaders()),
                    body));
            Answer answer;
            synchronized (script) {
                answer = script.isEmpty() ? last : script.poll();
                last = answer;
            }
            answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            byte[] out = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer.status(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                exchange.getResponseBody().write(out);
            }
            exchange.close();
        });
        server.start();
    }

    static Answer answer(int status, String body, String... headers) {
        Map<String, String> h = new java.util.LinkedHashMap<>();
        for (int i = 0; i < headers.length; i += 2) {
            h.put(headers[i], headers[i + 1]);
        }
        return new Answer(status, h, body);
    }

    static Answer accepted(String... ids) {
        StringBuilder records = new StringBuilder();
        for (String id : ids) {
            records.append(records.isEmpty() ? "" : ",")
                    .append("{\"id\":\"")
                    .append(id)
                    .append("\"}");
        }
        return answer(202, "{\"records\":[" + records + "]}", "Content-Type", "application/json");
    }

    static Answer unavailable() {
        return answer(
                503,
                "{\"type\":\"https://vigil.dev/problems/unavailable\",\"title\":\"Service Unavailable\",\"status\":503,"
                        + "\"detail\":\"The input could not be stored; retry later.\"}",
                "Content-Type",
                "application/problem+json");
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
