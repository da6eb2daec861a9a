package dev.quiver.bench.hnsw;

import dev.quiver.Metric;
import dev.quiver.internal.hnsw.HnswConfig;
import dev.quiver.internal.hnsw.HnswIndex;
import dev.quiver.internal.hnsw.SearchMode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Where does the graph beat the exact scan? Grows one index through prefix sizes of a data set and, at each size,
 * times single-thread k=10 searches in EXACT mode and in GRAPH mode at the given efs, alternating the modes in
 * short rounds (A/B/A/B...) so machine drift hits both alike; reports the median per mode.
 *
 * <pre>
 * java ... dev.quiver.bench.hnsw.CutoverRunner DATASET_DIR METRIC sizes=500,1000,2000,5000,10000 efs=100,200
 * </pre>
 */
public final class CutoverRunner {

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        Metric metric = Metric.parse(args[1]);
        int[] sizes = Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray();
        int[] efs = Arrays.stream(args[3].split(",")).mapToInt(Integer::parseInt).toArray();
        float[][] base = HnswRunner.readFvecs(dir.resolve("base.fvecs"), sizes[sizes.length - 1]);
        float[][] queries = HnswRunner.readFvecs(dir.resolve("query.fvecs"), 200);
        int dim = base[0].length;
        warmUp(base, queries, metric, efs);
        try (HnswIndex index = HnswIndex.create(new HnswConfig(dim, metric, 16, 200, 42, 2, 0))) {
            int have = 0;
            for (int n : sizes) {
                index.insertBatch(Arrays.copyOfRange(base, have, n));
                have = n;
                double[][] samples = new double[efs.length + 1][7];
                for (int round = 0; round < 9; round++) {
                    for (int m = 0; m <= efs.length; m++) {
                        double us = time(index, queries, m == 0 ? -1 : efs[m - 1]);
                        if (round >= 2) {
                            samples[m][round - 2] = us; // the first two rounds warm the JIT
                        }
                    }
                }
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                        "n=%d dim=%d n*dim=%d exact_cpu_us=%.1f", n, dim, (long) n * dim, RunnerSupport.median(samples[0])));
                for (int e = 0; e < efs.length; e++) {
                    double g = RunnerSupport.median(samples[e + 1]);
                    line.append(String.format(Locale.ROOT, " graph_ef%d_cpu_us=%.1f ratio_exact/graph=%.2f", efs[e], g,
                            RunnerSupport.median(samples[0]) / g));
                }
                System.out.println(line);
            }
        }
    }

    /** Compiles both search paths on a throwaway index so the first measured size is not timed cold. */
    private static void warmUp(float[][] base, float[][] queries, Metric metric, int[] efs) {
        try (HnswIndex warm = HnswIndex.create(new HnswConfig(base[0].length, metric, 16, 200, 1, 2, 0))) {
            warm.insertBatch(Arrays.copyOf(base, Math.min(base.length, 2000)));
            for (int i = 0; i < 10; i++) {
                time(warm, queries, -1);
                for (int ef : efs) {
                    time(warm, queries, ef);
                }
            }
        }
    }

    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

    /**
     * Mean CPU microseconds per query over one pass (ef -1 = exact). CPU time, not wall time: the shared machine
     * deschedules threads at random, which wall time would charge to whichever mode happened to run.
     */
    private static double time(HnswIndex index, float[][] queries, int ef) {
        long start = CPU.getCurrentThreadCpuTime();
        long sink = 0;
        for (float[] q : queries) {
            sink += ef < 0 ? index.search(q, 10, 0, null, SearchMode.EXACT).slots()[0]
                    : index.search(q, 10, ef, null, SearchMode.GRAPH).slots()[0];
        }
        if (sink == 42) {
            System.out.print("");
        }
        return (CPU.getCurrentThreadCpuTime() - start) / 1e3 / queries.length;
    }

}
