package dev.quiver;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Searches, reads and writes from many threads at once (the scenarios vctrs tests, and more). */
class ConcurrencyTest {

    @TempDir
    Path tmp;

    @Test
    void searchesRunDuringBatchInsertsDeletesAndCompaction() throws Exception {
        int dim = 33;
        Random rnd = new Random(77);
        Set<String> everAdded = ConcurrentHashMap.newKeySet();
        try (Database db = Database.open(tmp.resolve("db"), Config.dim(dim).efConstruction(64))) {
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(6);
            try {
                List<Future<?>> readers = new ArrayList<>();
                for (int t = 0; t < 3; t++) {
                    long seed = t;
                    readers.add(pool.submit(() -> {
                        Random r = new Random(seed);
                        int searches = 0;
                        while (!stop.get() || searches < 20) {
                            float[] q = DbTesting.randomVector(r, dim);
                            SearchParams p = r.nextBoolean() ? SearchParams.k(10)
                                    : SearchParams.k(10).filter(Filter.eq("m", r.nextInt(3)));
                            List<SearchResult> res = db.search(q, p);
                            for (int i = 1; i < res.size(); i++) {
                                assertTrue(res.get(i - 1).distance() <= res.get(i).distance());
                            }
                            for (SearchResult hit : res) {
                                assertTrue(everAdded.contains(hit.id()), hit.id());
                            }
                            db.size();
                            db.ids();
                            searches++;
                        }
                        return null;
                    }));
                }
                // Writers: 4 threads upserting the same 20 keys, and one thread adding batches and deleting.
                List<Future<?>> writers = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    long seed = 100 + t;
                    writers.add(pool.submit(() -> {
                        Random r = new Random(seed);
                        for (int i = 0; i < 50; i++) {
                            String id = "shared" + r.nextInt(20);
                            everAdded.add(id);
                            db.upsert(id, DbTesting.randomVector(r, dim), Map.of("m", r.nextInt(3)));
                        }
                        return null;
                    }));
                }
                for (int b = 0; b < 8; b++) {
                    List<String> ids = new ArrayList<>();
                    List<Map<String, Object>> metas = new ArrayList<>();
                    for (int i = 0; i < 500; i++) {
                        ids.add("b" + b + "-" + i);
                        metas.add(Map.of("m", i % 3));
                    }
                    everAdded.addAll(ids);
                    db.addMany(ids, DbTesting.randomVectors(rnd, ids.size(), dim), metas);
                    db.deleteMany(ids.subList(0, 100));
                    if (b % 3 == 2) {
                        db.compact();
                    }
                }
                for (Future<?> f : writers) {
                    f.get();
                }
                stop.set(true);
                for (Future<?> f : readers) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            Set<String> shared = new HashSet<>();
            for (String id : db.ids()) {
                if (id.startsWith("shared")) {
                    shared.add(id);
                }
            }
            assertEquals(20, shared.size(), "4 threads upserting the same 20 keys leave exactly 20 ids");
            assertEquals(20 + 8 * 400, db.size());
            assertEquals(db.size(), db.ids().size());
        }
    }

    @Test
    void concurrentSyncWritersAreAllDurable() throws Exception {
        Path p = tmp.resolve("sync");
        try (Database db = Database.open(p, Config.dim(4).durability(Durability.SYNC))) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> writers = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    int thread = t;
                    writers.add(pool.submit(() -> {
                        for (int i = 0; i < 25; i++) {
                            db.add("t" + thread + "-" + i, new float[] {thread, i, 1, 0});
                        }
                        return null;
                    }));
                }
                for (Future<?> f : writers) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            assertEquals(200, db.size());
        }
        try (Database db = Database.open(p)) {
            assertEquals(200, db.size());
            assertEquals(Durability.DEFAULT, db.stats().durability(), "durability is per session");
        }
    }

    @Test
    void readersNeverSeeAHalfOverwrittenVectorOrMismatchedMetadata() throws Exception {
        int dim = 769;
        float[][] versions = new float[2][dim];
        java.util.Arrays.fill(versions[0], 1f);
        java.util.Arrays.fill(versions[1], 2f);
        try (Database db = Database.open(tmp.resolve("torn"), Config.dim(dim).metric(Metric.EUCLIDEAN))) {
            for (int i = 0; i < 50; i++) {
                db.add("n" + i, versions[i % 2], Map.of("v", 1 + i % 2));
            }
            db.add("a", versions[0], Map.of("v", 1));
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<?> writer = pool.submit(() -> {
                    for (int i = 1; !stop.get() && i < 400; i++) {
                        if (i % 2 == 0) {
                            db.upsert("a", versions[0], Map.of("v", 1));
                        } else {
                            db.update("a", versions[1], Map.of("v", 2));
                        }
                    }
                    stop.set(true);
                    return null;
                });
                Future<?> reader = pool.submit(() -> {
                    long deadline = System.nanoTime() + 20_000_000_000L;
                    while (!stop.get() && System.nanoTime() < deadline) {
                        VectorRecord r = db.get("a");
                        float first = r.vector()[0];
                        for (float x : r.vector()) {
                            assertEquals(first, x, "a vector mixing two versions was read");
                        }
                        assertEquals(Math.round(first), ((Number) r.metadata().get("v")).intValue(),
                                "vector and metadata from different versions");
                    }
                    return null;
                });
                writer.get();
                reader.get();
            } finally {
                stop.set(true);
                pool.shutdownNow();
            }
        }
    }
}
