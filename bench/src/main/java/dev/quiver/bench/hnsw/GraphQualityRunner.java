package dev.quiver.bench.hnsw;

import dev.quiver.Metric;
import dev.quiver.datasets.VecsFormat;
import dev.quiver.internal.hnsw.HnswConfig;
import dev.quiver.internal.hnsw.HnswIndex;
import dev.quiver.internal.hnsw.IndexStats;
import dev.quiver.internal.hnsw.SearchHits;
import dev.quiver.internal.hnsw.SearchMode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Graph quality without a clock: builds the index, then for each ef reports recall@10 and the distance evaluations
 * per query (the machine-independent cost of a search), and interpolates the evaluations needed for recall 0.95 and
 * 0.99. Two graphs compared this way differ only in how well they route, not in how fast the machine was that minute.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar dev.quiver.bench.hnsw.GraphQualityRunner \
 *   DATASET_DIR|DATASET_NAME METRIC [threads=2] [efs=10,16,20,24,32,40,48,64,80,100,128] [m=16] [efc=200]
 *   [connect=after|both|no]
 * </pre>
 */
public final class GraphQualityRunner {

    private GraphQualityRunner() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        Metric metric = Metric.parse(args[1]);
        int threads = RunnerSupport.option(args, "threads", 2);
        int m = RunnerSupport.option(args, "m", 16);
        int efc = RunnerSupport.option(args, "efc", 200);
        String connect = RunnerSupport.option(args, "connect", "after");
        if (!java.util.Set.of("after", "both", "no").contains(connect)) {
            throw new IllegalArgumentException("connect must be after, both or no, not " + connect);
        }
        int[] efs = java.util.Arrays.stream(RunnerSupport.option(args, "efs", "10,16,20,24,32,40,48,64,80,100,128")
                .split(",")).mapToInt(Integer::parseInt).toArray();
        float[][] base;
        float[][] queries;
        int[][] truth;
        if (java.nio.file.Files.isDirectory(dir)) {
            base = VecsFormat.readFvecs(dir.resolve("base.fvecs"), Integer.MAX_VALUE);
            queries = VecsFormat.readFvecs(dir.resolve("query.fvecs"), Integer.MAX_VALUE);
            truth = VecsFormat.readIvecs(dir.resolve("groundtruth.ivecs"));
        } else { // a bench/ann data set name, e.g. hubness:100000:100 (1,000 queries, ground truth computed)
            dev.quiver.bench.ann.Dataset data = dev.quiver.bench.ann.DatasetResolver.resolve(args[0], metric,
                    RunnerSupport.option(args, "queries", 1000), 10, 42, threads);
            base = data.base();
            queries = data.queries();
            truth = data.groundTruth();
        }
        int k = 10;
        HnswConfig cfg = new HnswConfig(base[0].length, metric, m, efc, 42, threads, 0);
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long t0 = System.nanoTime();
        long cpu0 = os.getProcessCpuTime();
        try (HnswIndex index = HnswIndex.create(cfg)) {
            index.insertBatch(base);
            double buildSeconds = (System.nanoTime() - t0) / 1e9;
            double buildCpuSeconds = (os.getProcessCpuTime() - cpu0) / 1e9;
            IndexStats stats = index.stats();
            System.out.printf(Locale.ROOT, "dataset=%s n=%d build_threads=%d build_s=%.2f build_cpu_s=%.2f avgDeg0=%.2f"
                    + " layers=%d%n", dir.getFileName(), base.length, threads, buildSeconds, buildCpuSeconds,
                    stats.avgDegree0(), stats.numLayers());
            if (connect.equals("both")) {
                System.out.println("graph as built (before connectUnreachable):");
                report(index, queries, truth, efs, k);
            }
            if (!connect.equals("no")) {
                long c0 = System.nanoTime();
                int added = index.connectUnreachable();
                System.out.printf(Locale.ROOT, "connectUnreachable: %d links in %.1f ms%n", added,
                        (System.nanoTime() - c0) / 1e6);
            }
            report(index, queries, truth, efs, k);
        }
    }

    private static void report(HnswIndex index, float[][] queries, int[][] truth, int[] efs, int k) {
        System.out.println("| ef | recall@10 | evals/query | expanded/query |");
        System.out.println("|---|---|---|---|");
        double[] recall = new double[efs.length];
        double[] evals = new double[efs.length];
        for (int e = 0; e < efs.length; e++) {
            long found = 0;
            long distances = 0;
            long expanded = 0;
            for (int i = 0; i < queries.length; i++) {
                SearchHits h = index.search(queries[i], k, efs[e], null, SearchMode.GRAPH);
                distances += h.work().distances();
                expanded += h.work().expanded();
                found += overlap(h, truth[i], k);
            }
            recall[e] = (double) found / ((long) queries.length * k);
            evals[e] = (double) distances / queries.length;
            System.out.printf(Locale.ROOT, "| %d | %.4f | %.1f | %.1f |%n", efs[e], recall[e], evals[e],
                    (double) expanded / queries.length);
        }
        for (double target : new double[] {0.95, 0.99}) {
            System.out.printf(Locale.ROOT, "evals at recall %.2f: %s%n", target, interpolate(recall, evals, target));
        }
    }

    private static int overlap(SearchHits h, int[] truth, int k) {
        int n = 0;
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < h.size(); b++) {
                if (h.slots()[b] == truth[a]) {
                    n++;
                    break;
                }
            }
        }
        return n;
    }

    /** Evaluations at {@code target} recall, interpolated log-linearly between the two ef steps around it. */
    static String interpolate(double[] recall, double[] evals, double target) {
        for (int i = 0; i < recall.length; i++) {
            if (recall[i] >= target) {
                if (i == 0) {
                    return String.format(Locale.ROOT, "<= %.1f", evals[0]);
                }
                double f = (target - recall[i - 1]) / (recall[i] - recall[i - 1]);
                double v = Math.exp(Math.log(evals[i - 1]) + f * (Math.log(evals[i]) - Math.log(evals[i - 1])));
                return String.format(Locale.ROOT, "%.1f", v);
            }
        }
        return "not reached";
    }
}
