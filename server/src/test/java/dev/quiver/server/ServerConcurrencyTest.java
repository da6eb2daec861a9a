package dev.quiver.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.quiver.server.HttpJson.floats;
import static dev.quiver.server.HttpJson.list;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Concurrent clients mixing writes and searches over loopback, each owning its ids, checked against an in-memory
 * model: every client reads its own writes while others write, and at the end the server holds exactly the model.
 * Bounded in operations and time.
 */
class ServerConcurrencyTest {

    static final int CLIENTS = 6;
    static final int OPS_PER_CLIENT = 150;
    static final int DIM = 17;

    @TempDir
    Path data;

    record Entry(float[] vector, long version) { }

    @Test
    void concurrentWritersAndSearchersAgreeWithTheModel() throws Exception {
        long seed = Long.getLong("quiver.seed", System.nanoTime());
        try (QuiverServer server = QuiverServer.start(ServerOptions.defaults(data).port(0))) {
            HttpJson http = new HttpJson(server.url());
            assertEquals(200, http.post("/collections", Map.of("name", "conc", "dim", DIM, "metric", "euclidean"))
                    .status());
            Map<String, Entry> model = new ConcurrentHashMap<>();
            List<String> deleted = java.util.Collections.synchronizedList(new ArrayList<>());
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> clients = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    int client = c;
                    clients.add(pool.submit(() -> {
                        runClient(new HttpJson(server.url()), client, new Random(seed + client), model, deleted,
                                seed);
                        return null;
                    }));
                }
                for (Future<?> f : clients) {
                    f.get(120, TimeUnit.SECONDS);
                }
            }
            String why = "seed " + seed + " (rerun with -Dquiver.seed=" + seed + ")";
            assertEquals((long) model.size(), http.get("/collections/conc/count").object().get("count"), why);
            model.forEach((id, e) -> {
                Map<String, Object> got = http.get("/collections/conc/get/" + id).object();
                assertArrayEquals(e.vector(), floats(got.get("vector")), why + " id " + id);
                assertEquals(e.version(), ((Map<?, ?>) got.get("metadata")).get("v"), why + " id " + id);
            });
            for (String id : deleted) {
                if (!model.containsKey(id)) {
                    assertEquals(404, http.get("/collections/conc/get/" + id).status(), why + " deleted " + id);
                }
            }
            Random rnd = new Random(seed ^ 0x5eed);
            Map<String, float[]> vectors = new java.util.HashMap<>();
            model.forEach((id, e) -> vectors.put(id, e.vector()));
            for (int q = 0; q < 10; q++) {
                float[] query = vector(rnd);
                List<Object> hits = http.post("/collections/conc/search", Map.of("vector", list(query), "k", 10,
                        "exact", true)).array();
                ServerRoutesTest.checkAgainst(Reference.nearest("euclidean", vectors, query, 10), hits,
                        why + " final query " + q);
            }
        }
    }

    private static void runClient(HttpJson http, int client, Random rnd, Map<String, Entry> model,
                                  List<String> deleted, long seed) {
        List<String> mine = new ArrayList<>();
        long version = 0;
        for (int op = 0; op < OPS_PER_CLIENT; op++) {
            String why = "seed " + seed + " client " + client + " op " + op;
            int dice = rnd.nextInt(100);
            if (mine.isEmpty() || dice < 40) {
                String id = "c" + client + "-" + op;
                float[] v = vector(rnd);
                HttpJson.Reply r = http.post("/collections/conc/add", Map.of("id", id, "vector", list(v),
                        "metadata", Map.of("owner", client, "key", id, "v", ++version)));
                assertEquals(200, r.status(), why + ": " + r);
                model.put(id, new Entry(v, version));
                mine.add(id);
            } else if (dice < 50) {
                List<String> ids = new ArrayList<>();
                List<Object> vs = new ArrayList<>();
                List<Object> metas = new ArrayList<>();
                List<float[]> raw = new ArrayList<>();
                version++;
                for (int i = 0; i < 5; i++) {
                    String id = "c" + client + "-" + op + "-b" + i;
                    float[] v = vector(rnd);
                    ids.add(id);
                    vs.add(list(v));
                    raw.add(v);
                    metas.add(Map.of("owner", client, "key", id, "v", version));
                }
                HttpJson.Reply r = http.post("/collections/conc/add_many", Map.of("ids", ids, "vectors", vs,
                        "metadatas", metas));
                assertEquals(200, r.status(), why + ": " + r);
                for (int i = 0; i < ids.size(); i++) {
                    model.put(ids.get(i), new Entry(raw.get(i), version));
                    mine.add(ids.get(i));
                }
            } else if (dice < 62) {
                String id = mine.get(rnd.nextInt(mine.size()));
                float[] v = vector(rnd);
                HttpJson.Reply r = http.post("/collections/conc/upsert", Map.of("id", id, "vector", list(v),
                        "metadata", Map.of("owner", client, "key", id, "v", ++version)));
                assertEquals(200, r.status(), why + ": " + r);
                model.put(id, new Entry(v, version));
            } else if (dice < 70) {
                String id = mine.remove(rnd.nextInt(mine.size()));
                HttpJson.Reply r = http.delete("/collections/conc/delete/" + id);
                assertEquals(Map.of("deleted", true), r.object(), why);
                model.remove(id);
                deleted.add(id);
            } else if (dice < 85) {
                // Read your own write through a filtered search: the record is found at distance 0.
                String id = mine.get(rnd.nextInt(mine.size()));
                Entry e = model.get(id);
                List<Object> hits = http.post("/collections/conc/search", Map.of("vector", list(e.vector()),
                        "k", 1, "filter", Map.of("key", id))).array();
                assertEquals(1, hits.size(), why + " own " + id);
                Map<?, ?> hit = (Map<?, ?>) hits.getFirst();
                assertEquals(id, hit.get("id"), why);
                assertEquals(0.0, ((Number) hit.get("distance")).doubleValue(), 1e-6, why);
                assertEquals(e.version(), ((Map<?, ?>) hit.get("metadata")).get("v"), why);
            } else {
                HttpJson.Reply r = http.post("/collections/conc/search", Map.of("vector", list(vector(rnd)),
                        "k", 5));
                assertEquals(200, r.status(), why + ": " + r);
                List<Object> hits = r.array();
                assertTrue(hits.size() <= 5, why);
                double last = Double.NEGATIVE_INFINITY;
                for (Object h : hits) {
                    double d = ((Number) ((Map<?, ?>) h).get("distance")).doubleValue();
                    assertTrue(d >= last, why + ": results ascend");
                    last = d;
                }
            }
        }
    }

    private static float[] vector(Random rnd) {
        float[] v = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return v;
    }
}
