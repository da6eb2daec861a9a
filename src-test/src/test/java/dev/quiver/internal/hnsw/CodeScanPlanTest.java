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
 * The default plan's code scan (SQ8 codes scanned, the best r re-ranked with float32): chosen where the graph cannot
 * reach the target cheaply, it reaches the target on queries the index never saw (brute force as the judge), returns
 * exact float32 distances, builds codes only for itself (graph walks stay float32), frees them when the plan moves
 * back to the graph, and survives a save and reopen; explicit modes keep their meaning.
 */
class CodeScanPlanTest {

    @TempDir
    Path dir;

    /** vctrs's benchmark data: uniform in [0, 1). */
    static float[][] unitCube(SplittableRandom rnd, int n, int dim) {
        float[][] v = new float[n][dim];
        for (float[] row : v) {
            for (int d = 0; d < dim; d++) {
                row[d] = (float) rnd.nextDouble();
            }
        }
        return v;
    }

    /** A config whose exact-scan cut-over ({@code live / 1000}) leaves the graph no width to try: a scan plan. */
    static HnswConfig scanOnly(int dim, Metric metric, long seed) {
        return new HnswConfig(dim, metric, 8, 32, seed, 2, 1000);
    }

    private static double heldOutRecall(HnswIndex index, Metric metric, float[][] data, float[][] queries, String where) {
        double sum = 0;
        int k = DefaultEfCalibrator.K;
        int r = index.searchDefaults().rerankFor(k);
        for (float[] q : queries) {
            SearchHits hits = index.search(q, k, r, null, SearchMode.CODE_SCAN);
            assertEquals(k, hits.size(), where);
            for (int i = 0; i < hits.size(); i++) {
                double exact = TestData.distance(metric, q, data[hits.slots()[i]]);
                assertEquals(exact, hits.distances()[i], 1e-4 * Math.max(1, Math.abs(exact)),
                        where + ": re-ranked hits carry float32 distances");
                assertTrue(i == 0 || hits.distances()[i - 1] <= hits.distances()[i], where + ": nearest first");
            }
            sum += TestData.recall(TestData.bruteForce(metric, data, null, q, k), hits, k);
        }
        return sum / queries.length;
    }

    @Test
    void codeScanReachesTheTargetOnUnseenQueriesAtOddDimensions() {
        Object[][] cases = {{33, Metric.COSINE, 31L}, {129, Metric.EUCLIDEAN, 32L}, {7, Metric.DOT_PRODUCT, 33L},
            {385, Metric.COSINE, 34L}};
        for (Object[] c : cases) {
            int dim = (Integer) c[0];
            Metric metric = (Metric) c[1];
            long seed = (Long) c[2];
            String where = "dim " + dim + ", " + metric + ", seed " + seed;
            SplittableRandom rnd = new SplittableRandom(seed);
            int n = dim > 200 ? 2000 : 3000;
            float[][] data = unitCube(rnd, n, dim);
            float[][] queries = unitCube(rnd, 100, dim);
            try (HnswIndex index = HnswIndex.create(scanOnly(dim, metric, seed))) {
                index.insertBatch(data);
                assertFalse(index.hasCodes(), where);
                index.calibrateDefaults(0.99);
                SearchDefaults d = index.searchDefaults();
                assertTrue(d.codeScan() && d.exact() && d.ef() == 0, where + ": " + d);
                assertTrue(d.recall() >= 0.99 && d.rerank() >= DefaultEfCalibrator.K
                        && d.rerank() <= n / DefaultEfCalibrator.RERANK_LIVE_DIVISOR, where + ": " + d);
                assertTrue(index.hasCodes() && !index.isQuantized(), where + ": scan codes, float32 walks");
                assertTrue(index.stats().quantizedBytes() > 0, where + ": scan codes are counted");
                double recall = heldOutRecall(index, metric, data, queries, where);
                assertTrue(recall >= 0.99 - 0.01, where + ": held-out recall " + recall + " at " + d);
                assertTrue(d.rerankFor(40) >= 4 * d.rerank() && d.rerankFor(1) == d.rerank(), "k scaling: " + d);
            }
        }
    }

    @Test
    void smallIndexesAndTargetOneKeepTheFloat32Scan() {
        int dim = 33;
        SplittableRandom rnd = new SplittableRandom(81);
        try (HnswIndex small = HnswIndex.create(scanOnly(dim, Metric.COSINE, 81))) {
            small.insertBatch(unitCube(rnd, DefaultEfCalibrator.CODE_SCAN_MIN_LIVE - 1, dim));
            small.calibrateDefaults(0.99);
            SearchDefaults d = small.searchDefaults();
            assertTrue(d.exact() && !d.codeScan() && !small.hasCodes(), d.toString());
        }
        try (HnswIndex large = HnswIndex.create(scanOnly(dim, Metric.COSINE, 82))) {
            large.insertBatch(unitCube(rnd, 2000, dim));
            large.calibrateDefaults(1.0);
            SearchDefaults d = large.searchDefaults();
            assertTrue(d.exact() && !d.codeScan() && !large.hasCodes(), "recall 1 is the exact scan: " + d);
        }
    }

    @Test
    void explicitModesKeepTheirMeaningBesideScanCodes() {
        int dim = 65;
        long seed = 41;
        SplittableRandom rnd = new SplittableRandom(seed);
        float[][] data = unitCube(rnd, 2500, dim);
        float[][] queries = unitCube(rnd, 20, dim);
        try (HnswIndex index = HnswIndex.create(new HnswConfig(dim, Metric.EUCLIDEAN, 8, 32, seed, 2, 0))) {
            index.insertBatch(data);
            SearchHits[] walks = new SearchHits[queries.length];
            for (int i = 0; i < queries.length; i++) {
                walks[i] = index.search(queries[i], 10, 20, null, SearchMode.GRAPH);
            }
            // The factor-0 config never scans on its own; the plan is forced by a target only the scan can meet.
            index.calibrateDefaults(0.999);
            if (!index.searchDefaults().codeScan()) {
                return; // the graph reached 0.999 on this seed: nothing to compare beside scan codes
            }
            assertTrue(index.hasCodes() && !index.isQuantized());
            for (int i = 0; i < queries.length; i++) {
                assertArrayEquals(walks[i].slots(), index.search(queries[i], 10, 20, null, SearchMode.GRAPH).slots(),
                        "an explicit width still walks float32, query " + i);
                assertArrayEquals(TestData.bruteForce(Metric.EUCLIDEAN, data, null, queries[i], 10),
                        index.search(queries[i], 10, 0, null, SearchMode.EXACT).slots(),
                        "EXACT still scans float32, query " + i);
            }
        }
    }

    @Test
    void scanCodesAreFreedWhenThePlanReturnsToTheGraph() {
        int dim = 129;
        long seed = 51;
        SplittableRandom rnd = new SplittableRandom(seed);
        float[][] data = unitCube(rnd, 3000, dim);
        // Thin graph on uniform 129-d data: 0.99 is beyond any width below the cut-over (3000 / 30 = 100); 0.3 is not.
        try (HnswIndex index = HnswIndex.create(new HnswConfig(dim, Metric.COSINE, 4, 16, seed, 2))) {
            index.insertBatch(data);
            index.calibrateDefaults(0.99);
            assertTrue(index.searchDefaults().codeScan(), index.searchDefaults().toString());
            assertTrue(index.hasCodes());
            index.calibrateDefaults(0.3);
            SearchDefaults graph = index.searchDefaults();
            assertTrue(!graph.exact() && graph.ef() > 0, graph.toString());
            assertFalse(index.hasCodes(), "scan codes dropped with the scan plan");
            assertEquals(0, index.stats().quantizedBytes());
        }
    }

    @Test
    void quantizedTraversalAndTheCodeScanShareOneSetOfCodes() {
        int dim = 17;
        long seed = 61;
        SplittableRandom rnd = new SplittableRandom(seed);
        float[][] data = unitCube(rnd, 2000, dim);
        try (HnswIndex index = HnswIndex.create(scanOnly(dim, Metric.EUCLIDEAN, seed))) {
            index.insertBatch(data);
            index.enableQuantization();
            long bytes = index.stats().quantizedBytes();
            index.calibrateDefaults(0.99);
            assertTrue(index.searchDefaults().codeScan() && index.isQuantized());
            assertEquals(bytes, index.stats().quantizedBytes(), "no second copy of the codes");
            index.disableQuantization();
            assertTrue(index.hasCodes() && !index.isQuantized(), "kept for the scan, walks back on float32");
            float[] q = unitCube(rnd, 1, dim)[0];
            assertEquals(10, index.search(q, 10, index.searchDefaults().rerankFor(10), null, SearchMode.CODE_SCAN)
                    .size());
        }
    }

    @Test
    void planAndScanCodesSurviveReopenAndOlderMetaFilesStillOpen() {
        int dim = 33;
        long seed = 71;
        SplittableRandom rnd = new SplittableRandom(seed);
        float[][] data = unitCube(rnd, 2000, dim);
        float[][] queries = unitCube(rnd, 20, dim);
        HnswConfig cfg = scanOnly(dim, Metric.COSINE, seed);
        SearchDefaults calibrated;
        SearchHits[] before = new SearchHits[queries.length];
        try (HnswIndex index = HnswIndex.create(cfg);
             Generations store = Generations.open(dir)) {
            index.insertBatch(data);
            index.calibrateDefaults(0.99);
            calibrated = index.searchDefaults();
            assertTrue(calibrated.codeScan(), calibrated.toString());
            for (int i = 0; i < queries.length; i++) {
                before[i] = index.search(queries[i], 10, calibrated.rerankFor(10), null, SearchMode.CODE_SCAN);
            }
            try (GenerationWriter w = store.beginGeneration()) {
                index.writeTo(w, "new-");
                index.writeTo(w, "v2-", IndexFiles.VERSION_WITHOUT_CODE_SCAN);
                index.writeTo(w, "v3-", IndexFiles.VERSION_SEPARATE_CODE_TERMS);
                w.commit(0, Map.of());
            }
        }
        try (Generations store = Generations.open(dir)) {
            Generation g = store.current();
            try (HnswIndex fresh = HnswIndex.open(g, "new-", cfg); HnswIndex v2 = HnswIndex.open(g, "v2-", cfg);
                 HnswIndex v3 = HnswIndex.open(g, "v3-", cfg)) {
                assertEquals(calibrated, fresh.searchDefaults());
                // Version 3 kept codes and corrections in two files: re-encoded at open into the same records.
                assertEquals(calibrated, v3.searchDefaults());
                assertTrue(v3.hasCodes() && !v3.isQuantized(), "version 3 scan codes reopen as scan codes");
                for (int s = 0; s < fresh.totalSlots(); s++) {
                    assertArrayEquals(GraphInvariants.code(fresh, s), GraphInvariants.code(v3, s), "slot " + s);
                }
                for (int i = 0; i < queries.length; i++) {
                    SearchHits old3 = v3.search(queries[i], 10, calibrated.rerankFor(10), null, SearchMode.CODE_SCAN);
                    assertArrayEquals(before[i].slots(), old3.slots(), "version 3, query " + i);
                }
                assertTrue(fresh.hasCodes() && !fresh.isQuantized(), "scan codes reopen as scan codes");
                for (int i = 0; i < queries.length; i++) {
                    SearchHits again = fresh.search(queries[i], 10, calibrated.rerankFor(10), null,
                            SearchMode.CODE_SCAN);
                    assertArrayEquals(before[i].slots(), again.slots(), "query " + i);
                    // Same float32 distances up to summation order (JIT-compiled or interpreted kernel lanes).
                    assertArrayEquals(before[i].distances(), again.distances(), 1e-5f, "query " + i);
                }
                SearchDefaults old = v2.searchDefaults();
                assertTrue(old.exact() && !old.codeScan() && old.rerank() == 0, "version 2 knows no code scan: " + old);
                assertTrue(v2.isQuantized(), "version 2 codes were always traversal codes");
                // Inserts after reopening get codes too (a replayed log or new writes): the scan finds them.
                float[] extra = unitCube(rnd, 1, dim)[0];
                int slot = fresh.insert(extra);
                SearchHits self = fresh.search(extra, 1, calibrated.rerankFor(1), null, SearchMode.CODE_SCAN);
                assertEquals(slot, self.slots()[0]);
                assertEquals(0f, self.distances()[0], 1e-6f);
                assertTrue(Arrays.stream(self.slots()).allMatch(s -> s >= 0));
            }
        }
    }
}
