package dev.quiver.internal.hnsw;

import dev.quiver.Metric;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Seeded random sequences of inserts, batch inserts, updates and deletes against a brute-force model. Every few
 * operations, searches in all three modes are checked: sorted, live only, distances as defined; the exact path equals
 * brute force.
 */
class HnswIndexModelTest {

    static Stream<Object[]> cases() {
        List<Object[]> out = new ArrayList<>();
        int[] dims = {1, 3, 7, 17, 33, 100, 127, 384};
        Metric[] metrics = Metric.values();
        long seed = 0x5eed;
        for (int i = 0; i < dims.length; i++) {
            out.add(new Object[] {dims[i], metrics[i % metrics.length], seed + i});
        }
        out.add(new Object[] {16, Metric.COSINE, 77L});
        out.add(new Object[] {16, Metric.DOT_PRODUCT, 78L});
        out.add(new Object[] {16, Metric.EUCLIDEAN, 79L});
        return out.stream();
    }

    @ParameterizedTest(name = "dim={0} metric={1} seed={2}")
    @MethodSource("cases")
    void randomOperationsMatchTheModel(int dim, Metric metric, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        // Graph mode in AUTO too: exactScanFactor 0. Small M so lists overflow and pruning runs.
        HnswConfig cfg = new HnswConfig(dim, metric, 4, 24, seed, 2, 0);
        List<float[]> model = new ArrayList<>();
        List<Boolean> alive = new ArrayList<>();
        String ctx = "seed=" + seed + " dim=" + dim + " metric=" + metric;
        try (HnswIndex index = HnswIndex.create(cfg)) {
            for (int op = 0; op < 120; op++) {
                int kind = rnd.nextInt(10);
                if (kind < 4 || model.isEmpty()) {
                    float[] v = randomVector(rnd, dim);
                    int slot = index.insert(v);
                    assertEquals(model.size(), slot, ctx);
                    model.add(v);
                    alive.add(true);
                } else if (kind < 6) {
                    float[][] batch = new float[1 + rnd.nextInt(40)][];
                    for (int i = 0; i < batch.length; i++) {
                        batch[i] = randomVector(rnd, dim);
                    }
                    int[] slots = index.insertBatch(batch);
                    for (int i = 0; i < batch.length; i++) {
                        assertEquals(model.size(), slots[i], ctx);
                        model.add(batch[i]);
                        alive.add(true);
                    }
                } else if (kind < 8) {
                    int slot = rnd.nextInt(model.size());
                    float[] v = rnd.nextInt(5) == 0 ? model.get(slot).clone() : randomVector(rnd, dim);
                    index.update(slot, v);
                    model.set(slot, v);
                } else {
                    int slot = rnd.nextInt(model.size());
                    assertEquals(alive.get(slot), index.delete(slot), ctx + " delete " + slot);
                    alive.set(slot, false);
                }
                if (op % 10 == 9) {
                    checkAgainstModel(index, model, alive, metric, rnd, ctx + " op=" + op);
                }
            }
            checkAgainstModel(index, model, alive, metric, rnd, ctx + " final");
            for (int s = 0; s < model.size(); s++) {
                assertArrayEquals(model.get(s), index.vector(s), ctx + " slot " + s);
                assertEquals(!alive.get(s), index.isDeleted(s), ctx + " slot " + s);
            }
            GraphInvariants.check(index, ctx);
        }
    }

    static float[] randomVector(SplittableRandom rnd, int dim) {
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return v;
    }

    private static void checkAgainstModel(HnswIndex index, List<float[]> model, List<Boolean> alive, Metric metric,
                                          SplittableRandom rnd, String ctx) {
        int liveCount = (int) alive.stream().filter(b -> b).count();
        assertEquals(liveCount, index.liveCount(), ctx);
        assertEquals(model.size() - liveCount, index.deletedCount(), ctx);
        assertEquals(model.size(), index.totalSlots(), ctx);
        float[][] vectors = model.toArray(new float[0][]);
        boolean[] live = new boolean[vectors.length];
        for (int i = 0; i < live.length; i++) {
            live[i] = alive.get(i);
        }
        for (int t = 0; t < 3; t++) {
            float[] q = randomVector(rnd, vectors[0].length);
            int k = 1 + rnd.nextInt(12);
            int[] truth = TestData.bruteForce(metric, vectors, live, q, k);
            for (SearchMode mode : SearchMode.values()) {
                SearchHits hits = index.search(q, k, 32, null, mode);
                String where = ctx + " mode=" + mode + " k=" + k;
                assertWellFormed(hits, metric, vectors, live, q, where);
                assertEquals(truth.length, hits.size(), where + " size");
                if (mode == SearchMode.EXACT) {
                    for (int i = 0; i < truth.length; i++) {
                        double expected = TestData.distance(metric, q, vectors[truth[i]]);
                        assertEquals(expected, hits.distances()[i], 1e-4 * Math.max(1, Math.abs(expected)),
                                where + " rank " + i);
                    }
                }
            }
        }
    }

    /** Sorted ascending, no duplicates, live only, each distance as the metric defines it. */
    static void assertWellFormed(SearchHits hits, Metric metric, float[][] vectors, boolean[] live, float[] q,
                                 String where) {
        int[] seen = Arrays.copyOf(hits.slots(), hits.size());
        Arrays.sort(seen);
        for (int i = 1; i < seen.length; i++) {
            assertTrue(seen[i] != seen[i - 1], where + ": duplicate slot " + seen[i]);
        }
        for (int i = 0; i < hits.size(); i++) {
            int s = hits.slots()[i];
            if (!live[s]) {
                fail(where + ": returned deleted slot " + s);
            }
            double expected = TestData.distance(metric, q, vectors[s]);
            assertEquals(expected, hits.distances()[i], 1e-4 * Math.max(1, Math.abs(expected)), where + " slot " + s);
            if (i > 0) {
                assertTrue(hits.distances()[i - 1] <= hits.distances()[i], where + ": not sorted at " + i);
            }
        }
    }

    @Test
    void identicalUpdateIsANoOpAndUpdateNeverCreatesSelfLoops() {
        SplittableRandom rnd = new SplittableRandom(11);
        try (HnswIndex index = HnswIndex.create(new HnswConfig(8, Metric.EUCLIDEAN, 4, 32, 11, 1, 0))) {
            float[][] data = TestData.uniform(rnd, 300, 8);
            index.insertBatch(data);
            for (int i = 0; i < 200; i++) {
                int slot = rnd.nextInt(300);
                data[slot] = randomVector(rnd, 8);
                index.update(slot, data[slot]);
            }
            GraphInvariants.check(index, "after updates");
            // Updated nodes are found at their new position.
            for (int slot = 0; slot < 300; slot += 7) {
                SearchHits hits = index.search(data[slot], 1, 64, null, SearchMode.GRAPH);
                assertEquals(0f, hits.distances()[0], 1e-6, "slot " + slot);
            }
            int[] before = GraphInvariants.layer0(index, 5);
            index.update(5, data[5].clone());
            assertArrayEquals(before, GraphInvariants.layer0(index, 5), "identical update re-linked the node");
        }
    }

    @Test
    void deletingTheEntryPointMovesIt() {
        try (HnswIndex index = HnswIndex.create(new HnswConfig(4, Metric.EUCLIDEAN, 4, 16, 3, 1, 0))) {
            SplittableRandom rnd = new SplittableRandom(3);
            index.insertBatch(TestData.uniform(rnd, 200, 4));
            for (int round = 0; round < 150; round++) {
                int ep = GraphInvariants.entrySlot(index);
                assertTrue(index.delete(ep));
                assertFalse(index.delete(ep));
                int ep2 = GraphInvariants.entrySlot(index);
                assertFalse(index.isDeleted(ep2), "entry point still on a tombstone after round " + round);
                SearchHits hits = index.search(new float[4], 5, 16, null, SearchMode.GRAPH);
                assertEquals(Math.min(5, index.liveCount()), hits.size());
            }
        }
    }

    @Test
    void deletingEverythingLeavesAnEmptyResult() {
        try (HnswIndex index = HnswIndex.create(new HnswConfig(3, Metric.COSINE, 4, 16, 3, 1, 0))) {
            index.insertBatch(TestData.uniform(new SplittableRandom(1), 50, 3));
            for (int s = 0; s < 50; s++) {
                index.delete(s);
            }
            assertEquals(0, index.search(new float[] {1, 0, 0}, 3, 10, null, SearchMode.AUTO).size());
            int slot = index.insert(new float[] {1, 1, 1});
            SearchHits hits = index.search(new float[] {1, 0, 0}, 3, 10, null, SearchMode.GRAPH);
            assertEquals(1, hits.size());
            assertEquals(slot, hits.slots()[0]);
        }
    }

    @Test
    void badInputIsRejectedNamingTheValue() {
        try (HnswIndex index = HnswIndex.create(HnswConfig.of(3, Metric.EUCLIDEAN))) {
            var e = assertThrows(IllegalArgumentException.class, () -> index.insert(new float[2]));
            assertEquals("dimension mismatch: expected 3, got 2", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> index.insert(new float[] {1, Float.NaN, 0}));
            assertTrue(e.getMessage().contains("NaN"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> index.insertBatch(new float[][] {{1, 2, 3}, {1, 2}}));
            assertEquals(0, index.totalSlots(), "a rejected batch must change nothing");
            assertThrows(IllegalArgumentException.class, () -> index.search(new float[3], 0, 10, null, SearchMode.AUTO));
            assertThrows(IndexOutOfBoundsException.class, () -> index.update(0, new float[3]));
            assertFalse(index.delete(0));
            assertThrows(IllegalArgumentException.class, () -> new HnswConfig(0, Metric.COSINE, 16, 200, 1, 1));
            assertThrows(IllegalArgumentException.class, () -> new HnswConfig(4, Metric.COSINE, 1, 200, 1, 1));
        }
    }

    /**
     * The index's own check (used without the database's) skips its scalar loop when the SIMD norm is finite: at an
     * odd dimension a NaN or infinity at every position is still rejected naming the position, and finite vectors whose
     * float32 norm overflows (so the loop runs) are still accepted.
     */
    @Test
    void everyPositionOfAnOddLengthVectorIsChecked() {
        int dim = 37;
        try (HnswIndex index = HnswIndex.create(HnswConfig.of(dim, Metric.EUCLIDEAN))) {
            float[] ok = new float[dim];
            java.util.Arrays.fill(ok, 1f);
            for (int i = 0; i < dim; i++) {
                for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
                    float[] v = ok.clone();
                    v[i] = bad;
                    var e = assertThrows(IllegalArgumentException.class, () -> index.insert(v));
                    assertTrue(e.getMessage().contains("vector[" + i + "]"), e.getMessage());
                    e = assertThrows(IllegalArgumentException.class,
                            () -> index.search(v, 1, 10, null, SearchMode.AUTO));
                    assertTrue(e.getMessage().contains("[" + i + "]"), e.getMessage());
                }
            }
            assertEquals(0, index.totalSlots());
            float[] overflowing = ok.clone();
            overflowing[5] = 1e30f; // its square overflows float32: the norm is infinite, every component finite
            int slot = index.insert(overflowing);
            assertEquals(1, index.totalSlots());
            assertEquals(1e30f, index.vector(slot)[5]);
        }
    }

    @Test
    void singleThreadedBuildsAreDeterministicForASeed() {
        float[][] data = TestData.clustered(new SplittableRandom(5), 800, 12, 10, 0.1);
        int[][] a;
        int[][] b;
        try (HnswIndex x = HnswIndex.create(new HnswConfig(12, Metric.EUCLIDEAN, 8, 64, 99, 1))) {
            x.insertBatch(data);
            a = GraphInvariants.allLayer0(x);
        }
        try (HnswIndex y = HnswIndex.create(new HnswConfig(12, Metric.EUCLIDEAN, 8, 64, 99, 1))) {
            for (float[] v : data) {
                y.insert(v);
            }
            b = GraphInvariants.allLayer0(y);
        }
        for (int i = 0; i < a.length; i++) {
            assertArrayEquals(a[i], b[i], "node " + i);
        }
    }

    @Test
    void repairSweepUnlinksEveryTombstoneAndKeepsNodesFindable() {
        SplittableRandom rnd = new SplittableRandom(61);
        float[][] data = TestData.uniform(rnd, 1500, 12);
        try (HnswIndex index = HnswIndex.create(new HnswConfig(12, Metric.EUCLIDEAN, 6, 48, 61, 2, 0))) {
            index.insertBatch(data);
            boolean[] live = new boolean[data.length];
            java.util.Arrays.fill(live, true);
            for (int i = 0; i < 600; i++) {
                int s = rnd.nextInt(data.length);
                if (index.delete(s)) {
                    live[s] = false;
                }
            }
            assertTrue(index.repairTombstones() > 0);
            GraphLayers layers = GraphInvariants.layers(index);
            int[] buf = new int[layers.maxDegree(0)];
            for (int s = 0; s < data.length; s++) {
                if (!live[s]) {
                    continue;
                }
                for (int l = 0; l <= layers.level(s); l++) {
                    int n = layers.readNeighbors(s, l, buf);
                    for (int i = 0; i < n; i++) {
                        assertTrue(live[buf[i]], "live slot " + s + " still links to tombstone " + buf[i]);
                    }
                }
            }
            GraphInvariants.check(index, "after repair");
            int found = 0;
            int total = 0;
            for (int s = 0; s < data.length; s++) {
                if (live[s]) {
                    total++;
                    SearchHits h = index.search(data[s], 1, 32, null, SearchMode.GRAPH);
                    found += h.size() > 0 && h.slots()[0] == s ? 1 : 0;
                }
            }
            assertTrue(found >= total * 0.99, found + " of " + total + " live vectors find themselves");
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(30)
    void aListSavedMidWriteDoesNotHangReaders() {
        SplittableRandom rnd = new SplittableRandom(71);
        float[][] data = TestData.uniform(rnd, 400, 6);
        try (HnswIndex index = HnswIndex.create(new HnswConfig(6, Metric.EUCLIDEAN, 4, 32, 71, 1, 0))) {
            index.insertBatch(data);
            GraphLayers layers = GraphInvariants.layers(index);
            // What a snapshot taken during a list rewrite would map back: an odd version, no writer.
            for (int s = 0; s < 400; s += 3) {
                int v = layers.layer0Slab().getInt(s, 0);
                layers.layer0Slab().setInt(s, 0, v | 1);
            }
            for (int i = 0; i < 20; i++) {
                SearchHits hits = index.search(data[i], 5, 32, null, SearchMode.GRAPH);
                assertEquals(5, hits.size());
            }
            index.insert(TestData.uniform(rnd, 1, 6)[0]);
            GraphInvariants.check(index, "after healing");
        }
    }
}
