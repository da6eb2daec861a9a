package dev.quiver.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.quiver.server.ServerRoutesTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Body limits, the API key, CORS and the bounded request queue. */
class ServerGuardsTest {

    @TempDir
    Path data;

    @Test
    void bodiesOverTheLimitAre413WithDeclaredOrStreamedLength() {
        try (QuiverServer server = QuiverServer.start(ServerOptions.defaults(data).port(0).maxBodyBytes(1000)
                .maxImportBytes(2000))) {
            HttpJson http = new HttpJson(server.url());
            http.post("/collections", Map.of("name", "c", "dim", 2));
            String big = "{\"id\":\"a\",\"vector\":[1,2],\"metadata\":{\"pad\":\"" + "x".repeat(2000) + "\"}}";
            assertError(http.post("/collections/c/add", big), 413, "body_too_large",
                    "request body of " + big.length() + " bytes is over the limit of 1000 bytes");
            // Chunked (no Content-Length): counted while reading.
            HttpRequest chunked = http.request("/collections/c/add").POST(HttpRequest.BodyPublishers.ofInputStream(
                    () -> new java.io.ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8)))).build();
            assertError(http.send(chunked), 413, "body_too_large", null);
            String okImport = "{\"version\":1,\"dim\":2,\"metric\":\"cosine\",\"vectors\":[{\"id\":\"i\","
                    + "\"vector\":[1,2],\"metadata\":{\"pad\":\"" + "y".repeat(1200) + "\"}}]}";
            assertEquals(200, http.post("/collections/c/import", okImport).status(), "import has its own limit");
            assertError(http.post("/collections/c/import", okImport.replace("y".repeat(1200), "y".repeat(2500))),
                    413, "body_too_large", null);
            assertEquals(1L, http.get("/collections/c/count").object().get("count"));
            assertEquals(200, http.post("/collections/c/add", Map.of("id", "b", "vector", List.of(1, 2))).status(),
                    "the connection and server stay usable");
        }
    }

    @Test
    void aCollectionThatFailedServesAgainOnceTheCauseIsGone() {
        try (QuiverServer server = QuiverServer.start(ServerOptions.defaults(data).port(0))) {
            HttpJson http = new HttpJson(server.url());
            http.post("/collections", Map.of("name", "c", "dim", 2));
            assertEquals(200, http.post("/collections/c/add", Map.of("id", "a", "vector", List.of(1, 2))).status());
            // The disk fills up under the log: the write fails, and the database stops serving.
            dev.quiver.storage.FaultInjection.install((op, file) -> {
                if (op == dev.quiver.storage.FaultInjection.Op.WRITE && file.getFileName().toString()
                        .startsWith("wal")) {
                    throw new java.io.IOException("No space left on device (injected)");
                }
            });
            try {
                HttpJson.Reply failed = http.post("/collections/c/add", Map.of("id", "b", "vector", List.of(3, 4)));
                assertEquals(500, failed.status(), failed.toString());
            } finally {
                dev.quiver.storage.FaultInjection.clear();
            }
            // Space is back: the next request reopens the collection (replaying its log) instead of answering 500
            // until a restart.
            HttpJson.Reply after = http.post("/collections/c/add", Map.of("id", "c", "vector", List.of(5, 6)));
            assertEquals(200, after.status(), after.toString());
            assertEquals(200, http.get("/collections/c/get/a").status(), "the acknowledged write is back");
            long count = (Long) http.get("/collections/c/count").object().get("count");
            assertTrue(count == 2 || count == 3, "the failed write is all there or absent: " + count);
        }
    }

    @Test
    void closingTheServerSavesEveryOpenCollection() {
        try (QuiverServer server = QuiverServer.start(ServerOptions.defaults(data).port(0))) {
            HttpJson http = new HttpJson(server.url());
            http.post("/collections", Map.of("name", "kept", "dim", 3));
            http.post("/collections/kept/add", Map.of("id", "a", "vector", List.of(1, 2, 3), "metadata",
                    Map.of("x", 1)));
            assertEquals(0L, http.get("/collections/kept/stats").object().get("generation"), "nothing saved yet");
        }
        try (dev.quiver.Database db = dev.quiver.Database.open(data.resolve("kept"))) {
            assertTrue(db.stats().generation() >= 1, "close saved a generation");
            assertEquals(Map.of("x", 1L), db.get("a").metadata());
        }
    }

    @Test
    void apiKeyIsRequiredOnEveryRouteButHealthz() {
        try (QuiverServer server = QuiverServer.start(ServerOptions.defaults(data).port(0).apiKey("s3cret"))) {
            HttpJson anonymous = new HttpJson(server.url());
            assertError(anonymous.get("/collections"), 401, "unauthorized",
                    "missing API key: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'");
            assertError(anonymous.get("/metrics"), 401, "unauthorized", null);
            assertError(anonymous.get("/no/such/route"), 401, "unauthorized", null);
            assertEquals(200, anonymous.get("/healthz").status());
            assertError(new HttpJson(server.url(), "s3cre").get("/collections"), 401, "unauthorized",
                    "invalid API key");
            assertError(new HttpJson(server.url(), "s3cret!").get("/collections"), 401, "unauthorized", null);
            HttpJson bearer = new HttpJson(server.url(), "s3cret");
            assertEquals(200, bearer.post("/collections", Map.of("name", "k", "dim", 1)).status());
            HttpJson.Reply header = anonymous.send(anonymous.request("/collections").header("X-API-Key", "s3cret")
                    .GET().build());
            assertEquals(List.of("k"), header.array());
            assertTrue(anonymous.get("/collections").raw().headers().firstValue("WWW-Authenticate").isPresent());
        }
    }

    @Test
    void corsIsOffByDefaultAndAnswersPreflightWhenAsked() {
        try (QuiverServer plain = QuiverServer.start(ServerOptions.defaults(data.resolve("a")).port(0))) {
            HttpJson http = new HttpJson(plain.url());
            HttpJson.Reply r = http.get("/collections");
            assertFalse(r.raw().headers().firstValue("Access-Control-Allow-Origin").isPresent());
            HttpJson.Reply options = http.send(http.request("/collections")
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
            assertError(options, 405, "method_not_allowed", null);
        }
        try (QuiverServer cors = QuiverServer.start(ServerOptions.defaults(data.resolve("b")).port(0)
                .corsOrigin("https://app.example"))) {
            HttpJson http = new HttpJson(cors.url());
            assertEquals("https://app.example", http.get("/collections").raw().headers()
                    .firstValue("Access-Control-Allow-Origin").orElse(null));
            HttpJson.Reply pre = http.send(http.request("/collections/x/search")
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
            assertEquals(204, pre.status());
            assertEquals("POST", pre.raw().headers().firstValue("Access-Control-Allow-Methods").orElse(null));
        }
    }

    @Test
    void requestsBeyondTheQueueAre503WhileOthersWait() throws Exception {
        try (QuiverServer server = QuiverServer.start(ServerOptions.defaults(data).port(0)
                .maxConcurrentRequests(1).maxQueuedRequests(0))) {
            HttpJson http = new HttpJson(server.url());
            http.post("/collections", Map.of("name", "q", "dim", 2));
            // The creation's slot is released just after its response is written (see below): wait, or the raw
            // request may find the one slot taken, be answered 503 at once, and never be seen executing.
            awaitIdle(http, "the collection's creation never finished");
            // A raw request that sends its headers but holds back its body keeps the one execution slot.
            byte[] body = "{\"id\":\"slow\",\"vector\":[1,2]}".getBytes(StandardCharsets.UTF_8);
            java.net.URI uri = java.net.URI.create(server.url());
            try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
                socket.setSoTimeout(30_000);
                var out = socket.getOutputStream();
                out.write(("POST /collections/q/add HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json"
                        + "\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (!http.get("/metrics").body().contains("quiver_http_requests_executing 1\n")) {
                    assertTrue(System.nanoTime() < deadline, "the slow request never reached the server");
                    Thread.sleep(20);
                }
                assertError(http.post("/collections/q/add", Map.of("id", "fast", "vector", List.of(1, 2))), 503,
                        "overloaded", null);
                assertTrue(http.get("/metrics").body()
                        .contains("quiver_http_requests_rejected_total{reason=\"overloaded\"} 1"));
                out.write(body);
                out.flush();
                String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(response.startsWith("HTTP/1.1 200"), response);
                assertTrue(response.endsWith("{\"added\":\"slow\"}"), response);
            }
            // A slot is released just after its response is written: wait for it before each next request, or
            // that request may find the one slot still taken and rightly get 503.
            awaitIdle(http, "the slow request never finished");
            assertEquals(200, http.post("/collections/q/add", Map.of("id", "fast", "vector", List.of(1, 2))).status());
            awaitIdle(http, "the fast request never finished");
            assertEquals(2L, http.get("/collections/q/count").object().get("count"));
        }
    }

    /** Waits until no request executes ({@code /metrics} is never admitted, so it does not count itself). */
    private static void awaitIdle(HttpJson http, String failure) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!http.get("/metrics").body().contains("quiver_http_requests_executing 0\n")) {
            assertTrue(System.nanoTime() < deadline, failure);
            Thread.sleep(10);
        }
    }
}
