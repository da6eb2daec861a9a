package dev.quiver.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static dev.quiver.server.HttpJson.list;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every route against a running server on an ephemeral loopback port, checked with a real HTTP client. */
class ServerRoutesTest {

    @TempDir
    static Path data;
    static QuiverServer server;
    static HttpJson http;

    @BeforeAll
    static void start() {
        server = QuiverServer.start(ServerOptions.defaults(data).port(0));
        http = new HttpJson(server.url());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static void create(String name, int dim, String metric) {
        HttpJson.Reply r = http.post("/collections", Map.of("name", name, "dim", dim, "metric", metric));
        assertEquals(200, r.status(), r.toString());
        assertEquals(Map.of("created", name), r.object());
    }

    private static float[] random(Random rnd, int dim) {
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return v;
    }

    @Test
    void healthzAnswersOk() {
        HttpJson.Reply r = http.get("/healthz");
        assertEquals(200, r.status());
        assertEquals("ok", r.object().get("status"));
        assertTrue(r.raw().headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    }

    @Test
    void collectionLifecycleListsConfiguresReportsStatsAndDeletes() {
        create("life", 3, "dot");
        assertTrue(http.get("/collections").array().contains("life"));
        Map<String, Object> config = http.get("/collections/life").object();
        assertEquals("life", config.get("name"));
        assertEquals(3L, config.get("dim"));
        assertEquals("dot_product", config.get("metric"));
        assertEquals(16L, config.get("m"));
        assertEquals(200L, config.get("ef_construction"));
        assertEquals(false, config.get("quantize"));

        Map<String, Object> stats = http.get("/collections/life/stats").object();
        assertEquals(List.of("num_vectors", "num_deleted", "num_layers", "dim", "metric"),
                new ArrayList<>(stats.keySet()).subList(0, 5), "vctrs's five keys come first, in its order");
        assertEquals("dotproduct", stats.get("metric"), "vctrs-server's metric spelling");
        assertEquals(0L, stats.get("num_vectors"));

        HttpJson.Reply exists = http.post("/collections", Map.of("name", "life", "dim", 3));
        assertEquals(409, exists.status(), exists.toString());
        assertEquals("collection_exists", exists.type());
        assertEquals("collection 'life' already exists", exists.error());

        assertEquals(Map.of("deleted", true), http.delete("/collections/life").object());
        assertFalse(http.get("/collections").array().contains("life"));
        assertEquals(Map.of("deleted", false), http.delete("/collections/life").object());
        assertEquals(404, http.get("/collections/life/stats").status());
    }

    @Test
    void createValidatesNameMetricDimAndGraphSettings() {
        assertError(http.post("/collections", Map.of("name", "a.b", "dim", 3)), 400, "invalid_collection_name",
                "invalid collection name: name must be alphanumeric, hyphens, or underscores");
        assertError(http.post("/collections", Map.of("name", "m1", "dim", 3, "metric", "L2")), 400,
                "invalid_metric", "invalid metric 'L2': use 'cosine', 'euclidean'/'l2', or 'dot'/'dot_product'");
        assertError(http.post("/collections", Map.of("name", "m2", "dim", 0)), 400, "invalid_argument",
                "dim must be between 1 and 65535, got 0");
        assertError(http.post("/collections", Map.of("name", "m3")), 400, "invalid_argument", "missing field 'dim'");
        assertError(http.post("/collections", Map.of("name", "m4", "dim", "3")), 400, "invalid_argument",
                "field 'dim' must be an integer, got a string");
        assertError(http.post("/collections", Map.of("name", "m5", "dim", 3, "m", 1)), 400, "invalid_argument",
                "m must be between 2 and 512, got 1");
        assertFalse(Files.exists(data.resolve("m5")), "a rejected create leaves nothing behind");
        HttpJson.Reply ok = http.post("/collections", Map.of("name", "m6", "dim", 5, "metric", "l2", "m", 8,
                "ef_construction", 50, "quantize", true));
        assertEquals(200, ok.status(), ok.toString());
        Map<String, Object> config = http.get("/collections/m6").object();
        assertEquals("euclidean", config.get("metric"));
        assertEquals(8L, config.get("m"));
        assertEquals(50L, config.get("ef_construction"));
        assertEquals(true, config.get("quantize"));
    }

    @Test
    void singleRecordWritesAndReadsFollowVctrsShapes() {
        create("rec", 3, "euclidean");
        assertEquals(Map.of("added", "a"), http.post("/collections/rec/add",
                Map.of("id", "a", "vector", List.of(1, 2, 3), "metadata", Map.of("k", "v", "n", 2))).object());
        Map<String, Object> got = http.get("/collections/rec/get/a").object();
        assertEquals(List.of("id", "vector", "metadata"), new ArrayList<>(got.keySet()));
        assertEquals(List.of(1.0, 2.0, 3.0), got.get("vector"));
        assertEquals(Map.of("k", "v", "n", 2L), got.get("metadata"));

        assertError(http.post("/collections/rec/add", Map.of("id", "a", "vector", List.of(1, 2, 3))), 409,
                "duplicate_id", "id 'a' already exists, use upsert instead");
        assertEquals(Map.of("upserted", "a"), http.post("/collections/rec/upsert",
                Map.of("id", "a", "vector", List.of(0.5, 0.25, 0.125))).object());
        got = http.get("/collections/rec/get/a").object();
        assertEquals(List.of(0.5, 0.25, 0.125), got.get("vector"));
        assertTrue(got.containsKey("metadata") && got.get("metadata") == null, "upsert without metadata clears it");

        assertEquals(Map.of("updated", "a"), http.post("/collections/rec/update",
                Map.of("id", "a", "metadata", Map.of("tag", "x"))).object());
        got = http.get("/collections/rec/get/a").object();
        assertEquals(Map.of("tag", "x"), got.get("metadata"));
        assertEquals(List.of(0.5, 0.25, 0.125), got.get("vector"), "update of metadata keeps the vector");
        assertError(http.post("/collections/rec/update", Map.of("id", "nope", "vector", List.of(1, 1, 1))), 404,
                "not_found", "id 'nope' not found");
        assertError(http.post("/collections/rec/update", Map.of("id", "a")), 400, "invalid_argument",
                "update of 'a' needs a vector or metadata (both are null)");

        // Ids with characters that need escaping in a path round-trip through percent-encoding.
        String odd = "a/b c+d?é";
        http.post("/collections/rec/add", Map.of("id", odd, "vector", List.of(3, 3, 3)));
        String encoded = java.net.URLEncoder.encode(odd, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
        assertEquals(odd, http.get("/collections/rec/get/" + encoded).object().get("id"));
        assertEquals(Map.of("deleted", true), http.delete("/collections/rec/delete/" + encoded).object());
        assertEquals(Map.of("deleted", false), http.delete("/collections/rec/delete/" + encoded).object());
        assertError(http.get("/collections/rec/get/" + encoded), 404, "not_found", "id '" + odd + "' not found");
    }

    @Test
    void batchRoutesAreAllOrNothingAndCount() {
        create("batch", 2, "cosine");
        HttpJson.Reply added = http.post("/collections/batch/add_many", Map.of(
                "ids", List.of("a", "b", "c", "d"),
                "vectors", List.of(List.of(1, 0), List.of(0, 1), List.of(1, 1), List.of(-1, 0)),
                "metadatas", java.util.Arrays.asList(Map.of("g", 1), Map.of("g", 2), null, Map.of("g", 1))));
        assertEquals(Map.of("added", 4L), added.object());
        assertEquals(Map.of("count", 4L), http.get("/collections/batch/count").object());
        assertEquals(Map.of("count", 2L), http.post("/collections/batch/count",
                Map.of("filter", Map.of("g", 1))).object());
        assertEquals(Map.of("count", 1L), http.get("/collections/batch/count?filter="
                + java.net.URLEncoder.encode("{\"g\":{\"$gt\":1}}", java.nio.charset.StandardCharsets.UTF_8))
                .object());

        // Unlike vctrs (which silently truncates), mismatched lengths are rejected and nothing is written.
        HttpJson.Reply mismatch = http.post("/collections/batch/add_many", Map.of(
                "ids", List.of("x", "y"), "vectors", List.of(List.of(1, 0))));
        assertEquals(400, mismatch.status(), mismatch.toString());
        assertTrue(mismatch.error().contains("2") && mismatch.error().contains("1"), mismatch.error());
        HttpJson.Reply dup = http.post("/collections/batch/add_many", Map.of(
                "ids", List.of("x", "a"), "vectors", List.of(List.of(1, 0), List.of(0, 1))));
        assertError(dup, 409, "duplicate_id", "id 'a' already exists, use upsert instead");
        HttpJson.Reply dim = http.post("/collections/batch/add_many", Map.of(
                "ids", List.of("x", "y"), "vectors", List.of(List.of(1, 0), List.of(0, 1, 2))));
        assertEquals(400, dim.status());
        assertEquals("dimension_mismatch", dim.type());
        assertEquals(Map.of("count", 4L), http.get("/collections/batch/count").object(), "rejected batches add nothing");

        assertEquals(Map.of("upserted", 2L), http.post("/collections/batch/upsert_many", Map.of(
                "ids", List.of("a", "e"), "vectors", List.of(List.of(2, 2), List.of(3, -3)))).object());
        assertEquals(List.of(2.0, 2.0), http.get("/collections/batch/get/a").object().get("vector"));
        assertEquals(Map.of("deleted", 2L), http.post("/collections/batch/delete_many",
                Map.of("ids", List.of("a", "b", "b", "zz"))).object());
        assertEquals(Map.of("count", 3L), http.get("/collections/batch/count").object());
    }

    @Test
    void searchAndSearchManyMatchBruteForceWithFiltersAndMaxDistance() {
        for (String metric : List.of("cosine", "euclidean", "dot_product")) {
            for (int dim : new int[] {1, 7, 33}) {
                String name = "s_" + metric + "_" + dim;
                create(name, dim, metric);
                long seed = 1000L * dim + metric.length();
                Random rnd = new Random(seed);
                Map<String, float[]> model = new LinkedHashMap<>();
                List<String> ids = new ArrayList<>();
                List<Object> vectors = new ArrayList<>();
                List<Object> metas = new ArrayList<>();
                for (int i = 0; i < 300; i++) {
                    float[] v = random(rnd, dim);
                    model.put("id" + i, v);
                    ids.add("id" + i);
                    vectors.add(list(v));
                    metas.add(Map.of("parity", i % 2 == 0 ? "even" : "odd", "i", i));
                }
                assertEquals(200, http.post("/collections/" + name + "/add_many",
                        Map.of("ids", ids, "vectors", vectors, "metadatas", metas)).status());
                for (int q = 0; q < 5; q++) {
                    float[] query = random(rnd, dim);
                    String why = "seed " + seed + " metric " + metric + " dim " + dim + " query " + q;
                    List<Object> hits = http.post("/collections/" + name + "/search",
                            Map.of("vector", list(query), "k", 10, "exact", true)).array();
                    checkAgainst(Reference.nearest(metric, model, query, 10), hits, why);
                    // Default (graph or planner) search on 300 records in the brute-force regime: same answer.
                    List<Object> plain = http.post("/collections/" + name + "/search",
                            Map.of("vector", list(query), "k", 10, "ef_search", 64)).array();
                    checkAgainst(Reference.nearest(metric, model, query, 10), plain, why);

                    Map<String, float[]> odd = new LinkedHashMap<>();
                    model.forEach((id, v) -> {
                        if (Integer.parseInt(id.substring(2)) % 2 == 1) {
                            odd.put(id, v);
                        }
                    });
                    List<Object> filtered = http.post("/collections/" + name + "/search", Map.of("vector",
                            list(query), "k", 5, "filter", Map.of("parity", "odd"))).array();
                    checkAgainst(Reference.nearest(metric, odd, query, 5), filtered, why + " filtered");
                    for (Object h : filtered) {
                        assertEquals("odd", ((Map<?, ?>) ((Map<?, ?>) h).get("metadata")).get("parity"));
                    }
                    List<Reference.Hit> ref = Reference.nearest(metric, model, query, 10);
                    double bound = ref.get(4).distance();
                    List<Object> bounded = http.post("/collections/" + name + "/search", Map.of("vector",
                            list(query), "k", 10, "max_distance", bound)).array();
                    for (Object h : bounded) {
                        // max_distance travels as a float32: allow its rounding.
                        assertTrue(((Number) ((Map<?, ?>) h).get("distance")).doubleValue()
                                <= bound + 1e-5 * Math.max(1, Math.abs(bound)), why);
                    }
                    assertTrue(bounded.size() >= 4 && bounded.size() <= 10, why + ": " + bounded.size());
                }
                float[][] queries = {random(rnd, dim), random(rnd, dim), random(rnd, dim)};
                List<Object> many = http.post("/collections/" + name + "/search_many", Map.of("vectors",
                        List.of(list(queries[0]), list(queries[1]), list(queries[2])), "k", 3, "exact", true))
                        .array();
                assertEquals(3, many.size());
                for (int q = 0; q < 3; q++) {
                    checkAgainst(Reference.nearest(metric, model, queries[q], 3), (List<?>) many.get(q),
                            "search_many seed " + seed + " query " + q);
                }
            }
        }
    }

    @Test
    void searchOnEmptyCollectionAndKZeroAnswerEmptyLists() {
        create("empty", 4, "cosine");
        assertEquals(List.of(), http.post("/collections/empty/search", Map.of("vector", List.of(1, 2, 3, 4)))
                .array());
        http.post("/collections/empty/add", Map.of("id", "x", "vector", List.of(1, 2, 3, 4)));
        assertEquals(List.of(), http.post("/collections/empty/search", Map.of("vector", List.of(1, 2, 3, 4),
                "k", 0)).array());
        List<Object> one = http.post("/collections/empty/search", Map.of("vector", List.of(1, 2, 3, 4))).array();
        Map<?, ?> hit = (Map<?, ?>) one.getFirst();
        assertEquals(List.of("id", "distance", "metadata"), new ArrayList<>(hit.keySet()));
        assertNull(hit.get("metadata"), "metadata is null when absent, as vctrs");
        assertEquals(List.of(List.of()), http.post("/collections/empty/search_many",
                Map.of("vectors", List.of(List.of(1, 2, 3, 4)), "k", 0)).array());
    }

    @Test
    void saveCompactExportAndImportRoundTrip() throws Exception {
        create("src", 3, "cosine");
        for (int i = 0; i < 50; i++) {
            http.post("/collections/src/add", Map.of("id", "r" + i, "vector", List.of(i + 1, i % 7, 1),
                    "metadata", Map.of("i", i)));
        }
        assertEquals(Map.of("deleted", 10L), http.post("/collections/src/delete_many",
                Map.of("ids", List.of("r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9"))).object());
        assertEquals(Map.of("saved", "src"), http.post("/collections/src/save", "").object());
        assertEquals(10L, http.get("/collections/src/stats").object().get("num_deleted"));
        assertEquals(Map.of("compacted", "src"), http.post("/collections/src/compact", "").object());
        assertEquals(0L, http.get("/collections/src/stats").object().get("num_deleted"));

        HttpJson.Reply export = http.get("/collections/src/export");
        assertEquals(200, export.status());
        Map<String, Object> doc = export.object();
        assertEquals(1L, doc.get("version"));
        assertEquals(3L, doc.get("dim"));
        assertEquals("cosine", doc.get("metric"));
        assertEquals(40, ((List<?>) doc.get("vectors")).size());

        create("dst", 3, "cosine");
        HttpJson.Reply imported = http.post("/collections/dst/import", export.body());
        assertEquals(200, imported.status(), imported.toString());
        assertEquals(40L, imported.object().get("num_vectors"));
        for (int i = 10; i < 50; i++) {
            assertEquals(http.get("/collections/src/get/r" + i).object(),
                    http.get("/collections/dst/get/r" + i).object());
        }
        assertError(http.post("/collections/dst/import", "{\"version\":1,\"dim\":3,"), 400, "invalid_document",
                null);
        assertEquals(400, http.post("/collections/dst/import", "{\"version\":1,\"dim\":4,\"metric\":\"cosine\","
                + "\"vectors\":[]}").status());
        assertEquals(40L, http.get("/collections/dst/count").object().get("count"), "failed imports add nothing");
        try (var tmp = Files.list(data.resolve(".quiver-tmp"))) {
            assertEquals(0, tmp.count(), "temporary export and import files are removed");
        }
    }

    @Test
    void malformedBodiesGetJsonErrors() {
        create("mal", 2, "cosine");
        for (String body : List.of("", "{", "[1,2]", "nul", "{\"id\": \"a\", \"vector\": [1, 2]} trailing",
                "{\"id\": \"a\", \"id\": \"b\", \"vector\": [1, 2]}", "\"text\"")) {
            HttpJson.Reply r = http.post("/collections/mal/add", body);
            assertEquals(400, r.status(), "body <" + body + ">: " + r);
            assertEquals("malformed_json", r.type(), "body <" + body + ">: " + r);
            assertTrue(r.raw().headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        }
        assertError(http.post("/collections/mal/add", "{\"id\": 5, \"vector\": [1, 2]}"), 400, "invalid_argument",
                "field 'id' must be a string, got a number");
        assertError(http.post("/collections/mal/add", "{\"id\": \"a\", \"vector\": [1, \"x\"]}"), 400,
                "invalid_argument", "field 'vector[1]' must be a number, got a string");
        assertError(http.post("/collections/mal/add", "{\"id\": \"a\", \"vector\": [1, 1e39]}"), 400,
                "invalid_argument", "field 'vector[1]' is not a finite float32: 1.0E39");
        assertError(http.post("/collections/mal/add", "{\"id\": \"a\"}"), 400, "invalid_argument",
                "missing field 'vector' (an array of numbers)");
        assertError(http.post("/collections/mal/add", "{\"id\": \"a\", \"vector\": [1, 2], \"metadata\": 3}"), 400,
                "invalid_argument", "field 'metadata' must be an object or null, got a number");
        assertError(http.post("/collections/mal/search", Map.of("vector", List.of(1, 2, 3))), 400,
                "dimension_mismatch", null);
        assertError(http.post("/collections/mal/search", Map.of("vector", List.of(1, 2), "k", -1)), 400,
                "invalid_argument", "k must not be negative, got -1");
        assertError(http.post("/collections/mal/search", Map.of("vector", List.of(1, 2),
                "filter", Map.of("n", Map.of("$gt", "x")))), 400, "invalid_filter",
                "invalid filter: $gt value must be a number");
        assertError(http.post("/collections/mal/search", Map.of("vector", List.of(1, 2), "filter", List.of())),
                400, "invalid_filter", "invalid filter: filter must be an object, got an array");
        assertError(http.get("/collections/mal/count?filter=%7Bbad"), 400, "invalid_filter", null);
        assertEquals(0L, http.get("/collections/mal/count").object().get("count"), "nothing was written");
    }

    @Test
    void unknownCollectionsRoutesAndMethodsAreJsonErrors() {
        assertError(http.post("/collections/ghost/add", Map.of("id", "a", "vector", List.of(1))), 404,
                "collection_not_found", null);
        assertError(http.get("/collections/ghost/get/a"), 404, "collection_not_found", null);
        assertError(http.get("/collections/ghost"), 404, "collection_not_found", null);
        assertError(http.get("/nothing/here"), 404, "route_not_found", "no route for GET /nothing/here");
        HttpJson.Reply wrongMethod = http.get("/collections/x/add");
        assertError(wrongMethod, 405, "method_not_allowed",
                "method GET not allowed on /collections/x/add; allowed: POST");
        assertEquals("POST", wrongMethod.raw().headers().firstValue("Allow").orElse(null),
                "a 405 names the allowed methods in Allow (RFC 9110)");
        HttpJson.Reply deleteAll = http.delete("/collections");
        assertError(deleteAll, 405, "method_not_allowed", null);
        assertEquals("GET, HEAD, POST", deleteAll.raw().headers().firstValue("Allow").orElse(null));
        assertError(http.get("/collections/bad.name/stats"), 400, "invalid_collection_name", null);
        assertFalse(server.url().isEmpty());
    }

    @Test
    void metadataNestedPastTheStoredLimitIsRefusedAndTheCollectionKeepsServing() {
        // The metadata object and 100 arrays inside it: 101 levels, one more than the store reads back. Accepted, it
        // failed the collection for good (the log replay hit it again after a restart).
        create("deep", 2, "cosine");
        HttpJson.Reply tooDeep = http.post("/collections/deep/add", "{\"id\": \"a\", \"vector\": [1, 2], "
                + "\"metadata\": {\"x\": " + "[".repeat(100) + "]".repeat(100) + "}}");
        assertEquals(400, tooDeep.status(), tooDeep.toString());
        assertEquals("invalid_argument", tooDeep.type(), tooDeep.toString());
        String deepest = "{\"x\": " + "[".repeat(99) + "]".repeat(99) + "}";
        HttpJson.Reply ok = http.post("/collections/deep/add", "{\"id\": \"b\", \"vector\": [1, 2], "
                + "\"metadata\": " + deepest + "}");
        assertEquals(200, ok.status(), ok.toString());
        HttpJson.Reply got = http.get("/collections/deep/get/b");
        assertEquals(200, got.status(), got.toString());
        assertEquals(Json.parse(deepest.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                got.object().get("metadata"));
        assertEquals(1L, http.get("/collections/deep/count").object().get("count"));
    }

    @Test
    void headIsAnsweredAsGetWithoutABody() {
        // vctrs-server's axum answers HEAD on every GET route (RFC 9110 requires it of a general-purpose server).
        create("heads", 2, "cosine");
        http.post("/collections/heads/add", Map.of("id", "a", "vector", List.of(1, 2)));
        for (String path : List.of("/healthz", "/collections", "/collections/heads", "/collections/heads/stats",
                "/collections/heads/count", "/collections/heads/get/a", "/collections/heads/export")) {
            HttpJson.Reply r = http.send(http.request(path).method("HEAD",
                    java.net.http.HttpRequest.BodyPublishers.noBody()).build());
            assertEquals(200, r.status(), "HEAD " + path + ": " + r);
            assertEquals("", r.body(), "HEAD " + path);
            assertEquals(200, http.get(path).status(), "GET " + path + " after HEAD");
        }
        HttpJson.Reply missing = http.send(http.request("/collections/heads/get/zz").method("HEAD",
                java.net.http.HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(404, missing.status(), missing.toString());
        assertEquals("", missing.body());
        HttpJson.Reply post = http.send(http.request("/collections/heads/add").method("HEAD",
                java.net.http.HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(405, post.status(), "HEAD is not answered on POST routes: " + post);
    }

    @Test
    void lockedCollectionAnswers423AndCorruptOneAnswers500() throws Exception {
        try (dev.quiver.Database held = dev.quiver.Database.open(data.resolve("held"), dev.quiver.Config.dim(2))) {
            held.add("a", new float[] {1, 2});
            held.save();
            HttpJson.Reply r = http.get("/collections/held/stats");
            assertEquals(423, r.status(), r.toString());
            assertEquals("locked", r.type());
        }
        assertEquals(200, http.get("/collections/held/stats").status(), "served once the other handle is closed");

        Path broken = data.resolve("broken");
        Files.createDirectories(broken);
        Files.write(broken.resolve("graph.vctrs"), "this is not a manifest".getBytes());
        HttpJson.Reply r = http.get("/collections/broken/stats");
        assertEquals(500, r.status(), r.toString());
        assertTrue(Set.of("storage", "corrupt_data").contains(r.type()), r.toString());
    }

    @Test
    void metricsCountRequestsByRouteTemplateAndReportCollections() {
        create("met", 2, "cosine");
        http.post("/collections/met/add", Map.of("id", "a", "vector", List.of(1, 2)));
        http.post("/collections/met/search", Map.of("vector", List.of(1, 2)));
        http.get("/collections/met/get/zzz");
        String text = http.get("/metrics").body();
        assertTrue(text.contains("quiver_http_requests_total{route=\"/collections/{name}/search\",method=\"POST\","
                + "status=\"200\"}"), text);
        assertTrue(text.contains("quiver_http_requests_total{route=\"/collections/{name}/get/{id}\",method=\"GET\","
                + "status=\"404\"}"), text);
        assertTrue(text.contains("quiver_http_request_duration_seconds_bucket{route=\"/collections/{name}/add\","
                + "le=\"+Inf\"}"), text);
        assertTrue(text.contains("quiver_collection_records{collection=\"met\"} 1"), text);
        assertTrue(text.contains("quiver_http_request_duration_seconds_bucket{route=\"/collections/{name}/add\","
                + "le=\"0.0001\"}"), text);
        Set<String> types = new HashSet<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                assertTrue(types.add(line.split(" ")[2]), "one TYPE line per metric: " + line);
            } else if (!line.startsWith("#") && !line.isEmpty()) {
                assertTrue(line.matches("[a-z_]+(\\{.*\\})? [-+0-9.eEInf]+"), "sample line: " + line);
            }
        }
    }

    static void checkAgainst(List<Reference.Hit> expected, List<?> hits, String why) {
        assertEquals(expected.size(), hits.size(), why);
        for (int i = 0; i < hits.size(); i++) {
            Map<?, ?> h = (Map<?, ?>) hits.get(i);
            double d = ((Number) h.get("distance")).doubleValue();
            double want = expected.get(i).distance();
            assertEquals(want, d, 1e-4 * Math.max(1, Math.abs(want)), why + " rank " + i);
        }
        // Ids agree except where distances tie at the boundary.
        double last = expected.getLast().distance();
        Set<String> want = new HashSet<>();
        for (Reference.Hit e : expected) {
            if (e.distance() < last - 1e-5 * Math.max(1, Math.abs(last))) {
                want.add(e.id());
            }
        }
        Set<String> got = new HashSet<>();
        for (Object o : hits) {
            got.add((String) ((Map<?, ?>) o).get("id"));
        }
        assertTrue(got.containsAll(want), why + ": expected " + want + " within " + got);
    }

    static void assertError(HttpJson.Reply r, int status, String type, String message) {
        assertEquals(status, r.status(), r.toString());
        assertTrue(r.raw().headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                r.toString());
        assertEquals(Set.of("error", "type"), r.object().keySet(), r.toString());
        assertEquals(type, r.type(), r.toString());
        if (message != null) {
            assertEquals(message, r.error());
        }
    }
}
