package dev.quiver.bench.hnsw;

import dev.quiver.datasets.VecsFormat;

import dev.quiver.Metric;
import dev.quiver.internal.hnsw.CodeWalkRule;
import dev.quiver.internal.hnsw.HnswConfig;
import dev.quiver.internal.hnsw.HnswIndex;
import dev.quiver.internal.hnsw.IndexStats;
import dev.quiver.internal.hnsw.SearchHits;
import dev.quiver.internal.hnsw.SearchMode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Recall/QPS/build-time runner for the HNSW engine on a TEXMEX data set (one query thread).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp ... \
 *   dev.quiver.bench.hnsw.HnswRunner DATASET_DIR METRIC [buildThreads=1,2] [limit=all] [efs=10,20,40,80,160,320]
 *   [sq8=true] [rounds=3]
 * </pre>
 * DATASET_DIR may also be a {@code bench/ann} data set name ({@code synthetic:40000:128}, {@code fashion-mnist}),
 * used whole with its first 1,000 queries.
 * With {@code limit} below the base size the ground truth is recomputed exactly over the prefix.
 * One index is built per thread count (build time each); queries run on the last. Protocol: two unmeasured passes
 * over all queries at every ef with both scorers (JIT warm-up), then {@code rounds} rounds alternating float32 and
 * SQ8, each ef timed for at least 0.7 s; the median per (scorer, ef) is reported.
 */
public final class HnswRunner {

    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        Metric metric = Metric.parse(args[1]);
        int[] threadCounts = java.util.Arrays.stream((args.length > 2 ? args[2] : "2").split(","))
                .mapToInt(Integer::parseInt).toArray();
        int limit = args.length > 3 && !args[3].equals("all") ? Integer.parseInt(args[3]) : Integer.MAX_VALUE;
        int[] efs = java.util.Arrays.stream((args.length > 4 ? args[4] : "10,20,40,80,160,320").split(","))
                .mapToInt(Integer::parseInt).toArray();
        boolean sq8 = args.length <= 5 || Boolean.parseBoolean(args[5]);
        int rounds = args.length > 6 ? Integer.parseInt(args[6]) : 3;
        boolean named = !java.nio.file.Files.isDirectory(dir);
        if (named && args[0].contains("/")) {
            throw new IllegalArgumentException("no such data set directory: " + dir);
        }
        if (named && limit != Integer.MAX_VALUE) {
            throw new IllegalArgumentException("limit applies to a data set directory; " + args[0]
                    + " is used whole (limit 'all')");
        }
        // A bench/ann data set name (e.g. synthetic:40000:128) brings its own queries and exact ground truth.
        dev.quiver.bench.ann.Dataset resolved = named
                ? dev.quiver.bench.ann.DatasetResolver.resolve(args[0], metric, 1000, 10, 42, 2) : null;
        float[][] base = named ? resolved.base() : readFvecs(dir.resolve("base.fvecs"), limit);
        float[][] queries = named ? resolved.queries() : readFvecs(dir.resolve("query.fvecs"), Integer.MAX_VALUE);
        int k = 10;
        int dim = base[0].length;
        HnswIndex index = null;
        for (int threads : threadCounts) {
            if (index != null) {
                index.close();
            }
            // The SQ8 column measures the code walk itself, wherever the engine's own rule would walk float32.
            HnswConfig cfg = new HnswConfig(dim, metric, 16, 200, 42, threads, 0)
                    .withCodeWalk(CodeWalkRule.ALWAYS);
            long t0 = System.nanoTime();
            index = HnswIndex.create(cfg);
            index.insertBatch(base);
            double buildSeconds = (System.nanoTime() - t0) / 1e9;
            IndexStats stats = index.stats();
            System.out.printf(Locale.ROOT, "dataset=%s n=%d dim=%d metric=%s build_threads=%d build_s=%.2f layers=%d "
                            + "avgDeg0=%.1f minDeg0=%d maxDeg0=%d vectorBytes=%d graphBytes=%d kernels=%s%n",
                    dir.getFileName(), base.length, dim, metric, threads, buildSeconds, stats.numLayers(),
                    stats.avgDegree0(), stats.minDegree0(), stats.maxDegree0(), stats.vectorBytes(),
                    stats.graphBytes(), dev.quiver.simd.VectorOps.implementationName());
        }
        int[][] truth = named ? resolved.groundTruth() : groundTruth(dir, index, queries, limit, k);
        // JIT warm-up over every ef and both scorers before anything is timed.
        for (int w = 0; w < 2; w++) {
            for (int ef : efs) {
                pass(index, queries, truth, k, ef);
            }
            if (sq8) {
                index.enableQuantization();
                for (int ef : efs) {
                    pass(index, queries, truth, k, ef);
                }
                System.out.printf(Locale.ROOT, "sq8 quantizedBytes=%d%n", index.stats().quantizedBytes());
                index.disableQuantization();
            }
        }
        int modes = sq8 ? 2 : 1;
        double[][][] qps = new double[modes][efs.length][rounds];
        double[][][] cpuQps = new double[modes][efs.length][rounds];
        double[][] recall = new double[modes][efs.length];
        // Rounds alternate float32 and SQ8 (A/B/A/B) so the machine's drift hits both alike; medians reported.
        for (int r = 0; r < rounds; r++) {
            for (int m = 0; m < modes; m++) {
                if (m == 1) {
                    index.enableQuantization();
                }
                for (int e = 0; e < efs.length; e++) {
                    recall[m][e] = pass(index, queries, truth, k, efs[e]);
                    long start = System.nanoTime();
                    long cpuStart = CPU.getCurrentThreadCpuTime();
                    long done = 0;
                    while (System.nanoTime() - start < 700_000_000L) {
                        pass(index, queries, truth, k, efs[e]);
                        done += queries.length;
                    }
                    qps[m][e][r] = done / ((System.nanoTime() - start) / 1e9);
                    cpuQps[m][e][r] = done / ((CPU.getCurrentThreadCpuTime() - cpuStart) / 1e9);
                }
                if (m == 1) {
                    index.disableQuantization();
                }
            }
        }
        // Wall-clock QPS suffers when the shared machine deschedules this thread; per-CPU-second QPS does not.
        System.out.println("| ef | recall@10 f32 | QPS f32 (wall) | QPS f32 (per CPU s) | recall@10 SQ8 | QPS SQ8 (wall) "
                + "| QPS SQ8 (per CPU s) | SQ8/f32 (per CPU s) |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (int e = 0; e < efs.length; e++) {
            double f = RunnerSupport.median(qps[0][e]);
            double fc = RunnerSupport.median(cpuQps[0][e]);
            if (sq8) {
                double q = RunnerSupport.median(qps[1][e]);
                double qc = RunnerSupport.median(cpuQps[1][e]);
                System.out.printf(Locale.ROOT, "| %d | %.4f | %.0f | %.0f | %.4f | %.0f | %.0f | %.2f |%n", efs[e],
                        recall[0][e], f, fc, recall[1][e], q, qc, qc / fc);
            } else {
                System.out.printf(Locale.ROOT, "| %d | %.4f | %.0f | %.0f | - | - | - | - |%n", efs[e], recall[0][e],
                        f, fc);
            }
        }
        index.close();
    }


    private static int[][] groundTruth(Path dir, HnswIndex index, float[][] queries, int limit, int k)
            throws IOException {
        if (limit == Integer.MAX_VALUE && Files.exists(dir.resolve("groundtruth.ivecs"))) {
            return readIvecs(dir.resolve("groundtruth.ivecs"));
        }
        int[][] out = new int[queries.length][];
        for (int i = 0; i < queries.length; i++) {
            SearchHits h = index.search(queries[i], k, 0, null, SearchMode.EXACT);
            out[i] = java.util.Arrays.copyOf(h.slots(), h.size());
        }
        return out;
    }

    private static double pass(HnswIndex index, float[][] queries, int[][] truth, int k, int ef) {
        long found = 0;
        for (int i = 0; i < queries.length; i++) {
            SearchHits h = index.search(queries[i], k, ef, null, SearchMode.GRAPH);
            for (int a = 0; a < k; a++) {
                for (int b = 0; b < h.size(); b++) {
                    if (h.slots()[b] == truth[i][a]) {
                        found++;
                        break;
                    }
                }
            }
        }
        return (double) found / ((long) queries.length * k);
    }

    static float[][] readFvecs(Path file, int limit) throws IOException {
        return VecsFormat.readFvecs(file, limit);
    }

    static int[][] readIvecs(Path file) throws IOException {
        return VecsFormat.readIvecs(file);
    }
}
