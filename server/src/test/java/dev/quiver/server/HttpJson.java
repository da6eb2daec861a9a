package dev.quiver.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A small JSON client over java.net.http for the tests: every call returns status, headers and the parsed body. */
final class HttpJson {

    record Reply(int status, String body, HttpResponse<String> raw) {
        Object json() {
            return Json.parse(body.getBytes(StandardCharsets.UTF_8));
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> object() {
            return (Map<String, Object>) json();
        }

        @SuppressWarnings("unchecked")
        List<Object> array() {
            return (List<Object>) json();
        }

        String error() {
            return (String) object().get("error");
        }

        String type() {
            return (String) object().get("type");
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    private final HttpClient client;
    private final String base;
    private final String apiKey;

    HttpJson(String base) {
        this(base, null);
    }

    HttpJson(String base, String apiKey) {
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        this.base = base;
        this.apiKey = apiKey;
    }

    Reply get(String path) {
        return send(request(path).GET().build());
    }

    Reply delete(String path) {
        return send(request(path).DELETE().build());
    }

    Reply post(String path, String json) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    Reply post(String path, Object value) {
        return post(path, toJson(value));
    }

    Reply send(HttpRequest request) {
        try {
            HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body(), r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        if (apiKey != null) {
            b.header("Authorization", "Bearer " + apiKey);
        }
        return b;
    }

    HttpClient client() {
        return client;
    }

    static String toJson(Object value) {
        var out = new java.io.ByteArrayOutputStream();
        try (var g = Json.generator(out)) {
            Json.write(g, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    static List<Float> list(float[] v) {
        Float[] boxed = new Float[v.length];
        for (int i = 0; i < v.length; i++) {
            boxed[i] = v[i];
        }
        return List.of(boxed);
    }

    static float[] floats(Object jsonArray) {
        List<?> l = (List<?>) jsonArray;
        float[] out = new float[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) l.get(i)).floatValue();
        }
        return out;
    }
}
