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

/** Searches, reads and writes from many threads at once (vctrs §5.9's tested scenarios, and more). */
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
}
