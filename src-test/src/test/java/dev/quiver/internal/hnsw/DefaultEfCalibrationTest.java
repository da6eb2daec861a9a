package dev.quiver.internal.hnsw;

import dev.quiver.Metric;
import dev.quiver.storage.gen.Generation;
import dev.quiver.storage.gen.GenerationWriter;
import dev.quiver.storage.gen.Generations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The default search plan measured on the index's own vectors: it reaches the target on queries the index never saw
 * (brute force as the judge), costs less than vctrs's fixed default where the data is easy, falls back to the exact
 * scan where the graph cannot reach the target cheaply, and survives a save; old meta files still open.
 */
class DefaultEfCalibrationTest {

    @TempDir
    Path dir;

    /** Held-out recall@10 of GRAPH searches at the calibrated default width. */
    private static double heldOutRecall(HnswIndex index, Metric metric, float[][] data, float[][] queries) {
        double sum = 0;
        int k = DefaultEfCalibrator.K;
        int ef = index.searchDefaults().efFor(k);
        for (float[] q : queries) {
            sum += TestData.recall(TestData.bruteForce(metric, data, null, q, k),
                    index.search(q, k, ef, null, SearchMode.GRAPH), k);
        }
        return sum / queries.length;
    }

    @Test
    void calibratedWidthReachesTheTargetOnUnseenQueriesAndCostsLessThanTheOldDefault() {
        Object[][] cases = {{17, Metric.EUCLIDEAN, 7L}, {33, Metric.COSINE, 8L}, {7, Metric.DOT_PRODUCT, 9L}};
        for (Object[] c : cases) {
            int dim = (Integer) c[0];
            Metric metric = (Metric) c[1];
            long seed = (Long) c[2];
            SplittableRandom rnd = new SplittableRandom(seed);
            float[][] all = TestData.clustered(rnd, 4200, dim, 40, 0.25);
            float[][] data = Arrays.copyOf(all, 4000);
            float[][] queries = Arrays.copyOfRange(all, 4000, 4200);   // same distribution, never indexed
            String where = "dim " + dim + ", " + metric + ", seed " + seed;
            try (HnswIndex index = HnswIndex.create(new HnswConfig(dim, metric, 8, 64, seed, 2, 0))) {
                index.insertBatch(data);
                assertFalse(index.searchDefaults().calibrated(), where);
                assertEquals(HnswIndex.defaultEfSearch(10), index.searchDefaults().efFor(10), "vctrs's before");

                assertTrue(index.calibrateDefaults(0.95), where);
                SearchDefaults at95 = index.searchDefaults();
                assertFalse(at95.exact(), where + ": " + at95);
                assertTrue(at95.recall() >= 0.95 && at95.target() == 0.95 && at95.calibratedLive() == 4000,
                        where + ": " + at95);
                double recall95 = heldOutRecall(index, metric, data, queries);
                assertTrue(recall95 >= 0.95 - 0.02, where + ": held-out recall " + recall95 + " at " + at95);
                assertFalse(index.calibrateDefaults(0.95), "fresh for the same target and size: " + where);

                assertTrue(index.calibrateDefaults(0.99), where);
                SearchDefaults at99 = index.searchDefaults();
                if (at99.exact()) {
                    // Dot product on clustered 7-d data: the beam that reaches 0.99 already costs more than
                    // scanning 4,000 short vectors, so the scan is the cheaper way to the target.
                    assertEquals(Metric.DOT_PRODUCT, metric, where + ": " + at99);
                    continue;
                }
                assertTrue(at99.ef() >= at95.ef(), where + ": " + at95 + " then " + at99);
                double recall99 = heldOutRecall(index, metric, data, queries);
                assertTrue(recall99 >= 0.99 - 0.01, where + ": held-out recall " + recall99 + " at " + at99);
                assertTrue(at99.efFor(10) < HnswIndex.defaultEfSearch(10),
                        where + ": easy data needs less than vctrs's 200, got " + at99);
                assertTrue(at99.efFor(40) >= 4 * at99.ef() && at99.efFor(1) == at99.ef(), "k scaling: " + at99);
            }
        }
    }

    @Test
    void whenTheGraphCannotReachTheTargetCheaplyTheDefaultIsTheExactScan() {
        // Uniform 64-d data on a thin graph (M 4, ef_construction 16): recall 0.999 is beyond any beam that costs
        // less than scanning 3,000 vectors (the index's own cut-over puts that at ef 3000 / 30 = 100).
        SplittableRandom rnd = new SplittableRandom(11);
        float[][] data = TestData.uniform(rnd, 3000, 64);
        try (HnswIndex index = HnswIndex.create(new HnswConfig(64, Metric.EUCLIDEAN, 4, 16, 11, 2))) {
            index.insertBatch(data);
            index.calibrateDefaults(0.999);
            SearchDefaults d = index.searchDefaults();
            assertTrue(d.exact() && d.ef() == 0 && d.recall() == 1.0, d.toString());
            assertTrue(index.stats().usesExactPath(), "stats report the exact default");
        }
    }

    @Test
    void tooSmallIndexesStayUncalibratedAndGrowthMakesTheCalibrationStale() {
        SplittableRandom rnd = new SplittableRandom(3);
        try (HnswIndex index = HnswIndex.create(new HnswConfig(3, Metric.EUCLIDEAN, 4, 16, 3, 1, 0))) {
            index.insertBatch(TestData.uniform(rnd, DefaultEfCalibrator.MIN_LIVE - 1, 3));
            assertFalse(index.calibrateDefaults(0.99));
            assertFalse(index.searchDefaults().calibrated());
            index.insertBatch(TestData.uniform(rnd, 500, 3));
            assertTrue(index.calibrateDefaults(0.99));
            assertTrue(index.searchDefaults().calibrated());
            index.insertBatch(TestData.uniform(rnd, 20, 3));   // +4%: still fresh
            assertFalse(index.calibrateDefaults(0.99));
            index.insertBatch(TestData.uniform(rnd, 200, 3));  // +40%: measured again
            assertTrue(index.calibrateDefaults(0.99));
            assertEquals(index.liveCount(), index.searchDefaults().calibratedLive());
        }
    }

    @Test
    void defaultsArePersistedAndVersionOneMetaFilesStillOpenUncalibrated() {
        int dim = 17;
        SplittableRandom rnd = new SplittableRandom(5);
        float[][] data = TestData.clustered(rnd, 2000, dim, 20, 0.3);
        float[][] queries = TestData.uniform(rnd, 20, dim);
        HnswConfig cfg = new HnswConfig(dim, Metric.EUCLIDEAN, 8, 48, 5, 2, 0);
        SearchDefaults calibrated;
        SearchHits[] before = new SearchHits[queries.length];
        try (HnswIndex index = HnswIndex.create(cfg);
             Generations store = Generations.open(dir)) {
            index.insertBatch(data);
            for (int i = 0; i < queries.length; i++) {
                before[i] = index.search(queries[i], 10, 40, null, SearchMode.GRAPH);
            }
            try (GenerationWriter w = store.beginGeneration()) {
                index.writeTo(w, "old-", IndexFiles.VERSION_WITHOUT_DEFAULTS);
                index.calibrateDefaults(0.99);
                calibrated = index.searchDefaults();
                index.writeTo(w, "new-");
                w.commit(0, Map.of());
            }
        }
        assertTrue(calibrated.calibrated());
        try (Generations store = Generations.open(dir)) {
            Generation g = store.current();
            try (HnswIndex old = HnswIndex.open(g, "old-", cfg); HnswIndex fresh = HnswIndex.open(g, "new-", cfg)) {
                assertEquals(SearchDefaults.UNCALIBRATED, old.searchDefaults());
                assertEquals(calibrated, fresh.searchDefaults());
                for (int i = 0; i < queries.length; i++) {
                    assertArrayEquals(before[i].slots(), old.search(queries[i], 10, 40, null, SearchMode.GRAPH).slots());
                    assertArrayEquals(before[i].slots(), fresh.search(queries[i], 10, 40, null, SearchMode.GRAPH).slots());
                }
                assertTrue(old.calibrateDefaults(0.99), "an old index calibrates at its next save");
                assertEquals(calibrated, old.searchDefaults(), "same seed, same graph, same plan");
            }
        }
    }
}
