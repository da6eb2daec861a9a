package dev.quiver.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.sun.net.httpserver.HttpExchange;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One request and its response: decoded path segments and query, size-limited body reads, and JSON answers. A
 * response is sent once; {@link #responded()} tells the error path whether headers already went out.
 */
final class HttpCall {

    /** Writes a JSON body with a generator. */
    interface JsonBody {
        void write(JsonGenerator g) throws IOException;
    }

    private final HttpExchange exchange;
    private final List<String> segments;
    private int status;

    HttpCall(HttpExchange exchange) {
        this.exchange = exchange;
        this.segments = segments(exchange.getRequestURI().getRawPath());
    }

    String method() {
        return exchange.getRequestMethod();
    }

    List<String> segments() {
        return segments;
    }

    String header(String name) {
        return exchange.getRequestHeaders().getFirst(name);
    }

    void setHeader(String name, String value) {
        exchange.getResponseHeaders().set(name, value);
    }

    /** Query parameters, percent-decoded; the last occurrence of a name wins. */
    Map<String, String> query() {
        Map<String, String> out = new LinkedHashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            out.put(decodeQuery(key), decodeQuery(value));
        }
        return out;
    }

    int status() {
        return status;
    }

    boolean responded() {
        return status != 0;
    }

    /**
     * The whole body, at most {@code limit} bytes.
     *
     * @throws ApiException 413 {@code body_too_large} when the declared or actual length is above the limit
     */
    byte[] body(long limit) throws IOException {
        long declared = declaredLength();
        if (declared > limit) {
            throw tooLarge(declared, limit);
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream(declared > 0 ? (int) declared : 1024);
        copyLimited(exchange.getRequestBody(), buf, limit);
        return buf.toByteArray();
    }

    /** Streams the body into {@code file}, at most {@code limit} bytes (413 above it). */
    void bodyTo(Path file, long limit) throws IOException {
        long declared = declaredLength();
        if (declared > limit) {
            throw tooLarge(declared, limit);
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            copyLimited(exchange.getRequestBody(), out, limit);
        }
    }

    private long declaredLength() {
        String cl = header("Content-Length");
        if (cl == null) {
            return -1;
        }
        try {
            return Long.parseLong(cl.trim());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("invalid Content-Length header: '" + cl + "'");
        }
    }

    private static void copyLimited(InputStream in, OutputStream out, long limit) throws IOException {
        byte[] chunk = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(chunk)) > 0) {
            total += n;
            if (total > limit) {
                throw tooLarge(total, limit);
            }
            out.write(chunk, 0, n);
        }
    }

    private static ApiException tooLarge(long size, long limit) {
        return new ApiException(413, "body_too_large", "request body of " + (size < 0 ? "unknown" : size)
                + " bytes is over the limit of " + limit + " bytes");
    }

    /** Sends a JSON answer. */
    void json(int status, JsonBody body) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(256);
        try (JsonGenerator g = Json.generator(buf)) {
            body.write(g);
        }
        send(status, "application/json", buf.toByteArray());
    }

    /** Sends any plain Java value as JSON. */
    void json(int status, Object value) throws IOException {
        json(status, g -> Json.write(g, value));
    }

    void send(int status, String contentType, byte[] bytes) throws IOException {
        this.status = status;
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean head = "HEAD".equals(method());
        exchange.sendResponseHeaders(status, bytes.length == 0 || head ? -1 : bytes.length);
        if (!head && bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** Streams a file as the response body (none for HEAD), then deletes nothing: the caller owns the file. */
    void sendFile(int status, String contentType, Path file) throws IOException {
        this.status = status;
        exchange.getResponseHeaders().set("Content-Type", contentType);
        long size = Files.size(file);
        if (size == 0 || "HEAD".equals(method())) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, size);
        try (OutputStream out = exchange.getResponseBody()) {
            Files.copy(file, out);
        }
    }

    void error(ApiException e) throws IOException {
        if (e.status() == 405) {
            // RFC 9110 §15.5.6: a 405 names the methods the path answers.
            exchange.getResponseHeaders().set("Allow", Route.allowHeader(segments()));
        }
        json(e.status(), g -> {
            g.writeStartObject();
            g.writeStringField("error", e.getMessage());
            g.writeStringField("type", e.type());
            g.writeEndObject();
        });
    }

    /** Drains what is left of the request body (so the connection can be reused) and closes the exchange. */
    void close() {
        try (InputStream in = exchange.getRequestBody()) {
            in.skip(Long.MAX_VALUE);
        } catch (IOException ignored) {
            // the client went away; nothing to keep alive
        }
        exchange.close();
    }

    /** Path segments, percent-decoded one by one (so {@code %2F} inside an id stays in that id). */
    static List<String> segments(String rawPath) {
        List<String> out = new ArrayList<>();
        if (rawPath == null) {
            return out;
        }
        String trimmed = rawPath;
        while (trimmed.startsWith("/")) {
            trimmed = trimmed.substring(1);
        }
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        if (trimmed.isEmpty()) {
            return out;
        }
        for (String s : trimmed.split("/", -1)) {
            out.add(decodePath(s));
        }
        return out;
    }

    private static String decodePath(String s) {
        // URLDecoder implements form decoding, where '+' is a space; in a path '+' is itself.
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid percent-encoding in path segment '" + s + "'");
        }
    }

    private static String decodeQuery(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid percent-encoding in query '" + s + "'");
        }
    }
}
