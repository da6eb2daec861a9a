package dev.quiver.internal.hnsw;

import dev.quiver.Metric;
import dev.quiver.storage.gen.Generation;
import dev.quiver.storage.gen.GenerationWriter;
import dev.quiver.storage.gen.Generations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The default-ef calibration runs its sample queries on the build threads; the plan it measures must not depend on
 * how many there are. One graph (built on one thread, so it is the same graph every run) is saved and opened twice,
 * with one and with three build threads, and both copies must measure the same plan: graph widths (exact-scan
 * cut-over off) and code-scan plans (a cut-over that leaves the graph no width), at odd dimensions, each metric.
 */
class CalibrationThreadsTest {

    @TempDir
    Path dir;

    @Test
    void thePlanIsTheSameOnOneAndOnSeveralThreads() {
        Object[][] cases = {
            {17, Metric.EUCLIDEAN, 21L, 0},
            {33, Metric.COSINE, 22L, 0},
            {7, Metric.DOT_PRODUCT, 23L, 0},
            {33, Metric.COSINE, 24L, 1000},   // live / 1000 leaves no graph width: the code-scan plan
            {3, Metric.EUCLIDEAN, 25L, 1000},
        };
        try (Generations store = Generations.open(dir)) {
            try (GenerationWriter w = store.beginGeneration()) {
                for (int c = 0; c < cases.length; c++) {
                    int dim = (Integer) cases[c][0];
                    Metric metric = (Metric) cases[c][1];
                    long seed = (Long) cases[c][2];
                    int factor = (Integer) cases[c][3];
                    float[][] data = TestData.clustered(new SplittableRandom(seed), 3000, dim, 30, 0.25);
                    try (HnswIndex index = HnswIndex.create(config(dim, metric, seed, 1, factor))) {
                        index.insertBatch(data);
                        index.writeTo(w, "case" + c + "-");
                    }
                }
                w.commit(0, java.util.Map.of());
            }
            Generation g = store.current();
            for (int c = 0; c < cases.length; c++) {
                int dim = (Integer) cases[c][0];
                Metric metric = (Metric) cases[c][1];
                long seed = (Long) cases[c][2];
                int factor = (Integer) cases[c][3];
                String where = "dim " + dim + ", " + metric + ", seed " + seed + ", exactScanFactor " + factor;
                for (double target : new double[] {0.9, 0.99}) {
                    SearchDefaults one;
                    SearchDefaults three;
                    try (HnswIndex a = HnswIndex.open(g, "case" + c + "-", config(dim, metric, seed, 1, factor));
                         HnswIndex b = HnswIndex.open(g, "case" + c + "-", config(dim, metric, seed, 3, factor))) {
                        assertTrue(a.calibrateDefaults(target), where);
                        assertTrue(b.calibrateDefaults(target), where);
                        one = a.searchDefaults();
                        three = b.searchDefaults();
                    }
                    assertEquals(one, three, where + ", target " + target + ": 1 thread vs 3 threads");
                    assertTrue(one.calibrated() && one.recall() >= target || one.exact(), where + ": " + one);
                    if (factor > 0) {
                        assertTrue(one.exact(), where + ": the cut-over leaves only scan plans: " + one);
                    }
                }
            }
        }
    }

    private static HnswConfig config(int dim, Metric metric, long seed, int threads, int exactScanFactor) {
        return new HnswConfig(dim, metric, 8, 48, seed, threads, exactScanFactor);
    }
}
