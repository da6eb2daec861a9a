package dev.quiver.internal.hnsw;

import dev.quiver.Metric;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Four writers (inserts, batch inserts, updates of their own slots, deletes), four readers (graph walks, exact
 * scans, scans over the SQ8 codes, the planner's choice) and SQ8 switched off and on (retrained) for a bounded time. No exception, no deadlock (everything under timeouts), readers never see a
 * tombstone that was deleted before their search began, and the final contents equal the writers' model.
 * {@code -Dquiver.soak.seconds=N} runs longer.
 */
class HnswConcurrencyTest {

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void writersAndReadersRunTogether() throws Exception {
        int dim = 17;
        long seconds = Long.getLong("quiver.soak.seconds", 3);
        HnswConfig cfg = new HnswConfig(dim, Metric.COSINE, 8, 48, 21, 2, 0)
                .withCodeWalk(CodeWalkRule.ALWAYS);
        try (HnswIndex index = HnswIndex.create(cfg)) {
            index.insertBatch(TestData.uniform(new SplittableRandom(0), 500, dim));
            ConcurrentHashMap<Integer, float[]> model = new ConcurrentHashMap<>();
            for (int s = 0; s < 500; s++) {
                model.put(s, index.vector(s));
            }
            ConcurrentHashMap<Integer, Boolean> deletedBeforeStart = new ConcurrentHashMap<>();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong searches = new AtomicLong();
            ExecutorService pool = Executors.newFixedThreadPool(9);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                long seed = 100 + w;
                futures.add(pool.submit(() -> {
                    SplittableRandom rnd = new SplittableRandom(seed);
                    List<Integer> mine = new ArrayList<>();
                    go.await();
                    while (!stop.get()) {
                        int op = rnd.nextInt(10);
                        if (op < 4 || mine.isEmpty()) {
                            float[] v = HnswIndexModelTest.randomVector(rnd, dim);
                            int s = index.insert(v);
                            model.put(s, v);
                            mine.add(s);
                        } else if (op < 6) {
                            float[][] batch = TestData.uniform(rnd, 1 + rnd.nextInt(30), dim);
                            int[] slots = index.insertBatch(batch);
                            for (int i = 0; i < slots.length; i++) {
                                model.put(slots[i], batch[i]);
                                mine.add(slots[i]);
                            }
                        } else if (op < 8) {
                            int s = mine.get(rnd.nextInt(mine.size()));
                            float[] v = HnswIndexModelTest.randomVector(rnd, dim);
                            index.update(s, v);
                            if (model.containsKey(s)) {
                                model.put(s, v);
                            }
                        } else {
                            int s = mine.remove(rnd.nextInt(mine.size()));
                            assertTrue(index.delete(s), "delete " + s);
                            model.remove(s);
                            deletedBeforeStart.put(s, true);
                        }
                    }
                    return null;
                }));
            }
            for (int r = 0; r < 4; r++) {
                long seed = 200 + r;
                futures.add(pool.submit(() -> {
                    SplittableRandom rnd = new SplittableRandom(seed);
                    go.await();
                    while (!stop.get()) {
                        // Tombstones known before the search starts must never come back.
                        java.util.Set<Integer> gone = new java.util.HashSet<>(deletedBeforeStart.keySet());
                        float[] q = HnswIndexModelTest.randomVector(rnd, dim);
                        int k = 1 + rnd.nextInt(10);
                        // The scan over SQ8 codes and the planner's choice race the retrains as the walk does.
                        SearchMode mode = switch (rnd.nextInt(8)) {
                            case 0 -> SearchMode.EXACT;
                            case 1 -> SearchMode.CODE_SCAN;
                            case 2 -> SearchMode.AUTO;
                            default -> SearchMode.GRAPH;
                        };
                        SearchHits hits = index.search(q, k, 40, null, mode);
                        assertEquals(k, hits.size(), mode + ": more than k live slots exist at all times");
                        for (int i = 0; i < hits.size(); i++) {
                            if (gone.contains(hits.slots()[i])) {
                                fail(mode + " search returned slot " + hits.slots()[i] + " deleted before it started");
                            }
                            if (i > 0 && hits.distances()[i - 1] > hits.distances()[i]) {
                                fail(mode + ": unsorted hits");
                            }
                        }
                        searches.incrementAndGet();
                    }
                    return null;
                }));
            }
            // SQ8 is switched on and off (retrained) while everything runs.
            futures.add(pool.submit(() -> {
                go.await();
                while (!stop.get()) {
                    index.disableQuantization();
                    Thread.sleep(100);
                    index.enableQuantization(); // the run ends quantized
                    Thread.sleep(150);
                }
                return null;
            }));
            go.countDown();
            Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
            stop.set(true);
            pool.shutdown();
            assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS), "threads did not finish: deadlock?");
            for (Future<?> f : futures) {
                f.get(1, TimeUnit.SECONDS);
            }
            assertTrue(searches.get() > 0);

            assertEquals(model.size(), index.liveCount());
            for (int s = 0; s < index.totalSlots(); s++) {
                float[] expected = model.get(s);
                assertEquals(expected == null, index.isDeleted(s), "slot " + s);
                if (expected != null) {
                    assertArrayEquals(expected, index.vector(s), "slot " + s);
                }
            }
            GraphInvariants.check(index, "after concurrent run");
            // Every code written during the run (inserts, batches, updates racing the retrains) matches its vector.
            assertTrue(index.isQuantized());
            var quantizer = index.quantizer();
            byte[] expected = new byte[dim];
            for (int s = 0; s < index.totalSlots(); s++) {
                quantizer.encode(index.vector(s), expected);
                assertArrayEquals(expected, GraphInvariants.code(index, s), "SQ8 code of slot " + s);
            }
            index.disableQuantization();
            // Every live node is still findable through the graph.
            int missing = 0;
            for (var e : model.entrySet()) {
                SearchHits hits = index.search(e.getValue(), 1, 64, null, SearchMode.GRAPH);
                if (hits.size() == 0 || hits.distances()[0] > 1e-5f) {
                    missing++;
                }
            }
            assertTrue(missing <= model.size() / 100, missing + " of " + model.size() + " live vectors not found");
        }
    }
}
