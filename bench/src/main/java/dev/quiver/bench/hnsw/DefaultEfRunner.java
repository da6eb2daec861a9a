package dev.quiver.bench.hnsw;

import dev.quiver.Config;
import dev.quiver.Database;
import dev.quiver.Metric;
import dev.quiver.SearchParams;
import dev.quiver.SearchResult;
import dev.quiver.bench.ann.Dataset;
import dev.quiver.bench.ann.DatasetResolver;
import dev.quiver.bench.ann.GroundTruth;
import dev.quiver.bench.ann.Progress;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The default search plan (efSearch calibrated at save toward {@code Config.targetRecall}, or a scan: over SQ8 codes
 * with float32 re-ranking when that reaches the target, else float32; {@code default_ef=scan}) against
 * vctrs's fixed default ef 200 and the exact scan, on one data set: recall@10 and single-thread CPU microseconds per
 * query (CPU time, not wall time: the machine is shared), in rounds that alternate the three plans; medians. Builds
 * as {@code bench/ann} does (M 16, efConstruction 200), then saves (which calibrates) and reports how long that took.
 *
 * <pre>
 * java ... dev.quiver.bench.hnsw.DefaultEfRunner bigann-10k | wordnet-minilm-384 | synthetic:N:D | uniform:N:D
 *     [metric=cosine] [queries=500] [rounds=5] [target=0.99] [quantize=false]
 * </pre>
 * {@code uniform:N:D} is vctrs's benchmark data: N base and the queries uniform in [0, 1)^D, cosine.
 */
public final class DefaultEfRunner {

    private record Plan(String name, SearchParams params) { }

    public static void main(String[] args) throws Exception {
        String spec = args[0];
        int queryCount = Integer.parseInt(RunnerSupport.option(args, "queries", "500"));
        int rounds = Integer.parseInt(RunnerSupport.option(args, "rounds", "5"));
        double target = Double.parseDouble(RunnerSupport.option(args, "target", "0.99"));
        boolean quantize = Boolean.parseBoolean(RunnerSupport.option(args, "quantize", "false"));
        String metricName = RunnerSupport.option(args, "metric", null);
        Metric metric = metricName == null ? null : Metric.parse(metricName);
        int threads = Runtime.getRuntime().availableProcessors();
        Dataset data = spec.startsWith("uniform:") ? uniform(spec, queryCount, threads)
                : DatasetResolver.resolve(spec, metric, queryCount, 10, 42, threads).limitQueries(queryCount);
        float[][] base = data.base();
        float[][] queries = data.queries();
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        Path dir = Files.createTempDirectory("quiver-default-ef");
        try (Database db = Database.open(dir.resolve("db"), Config.dim(data.dim()).metric(data.metric()).m(16)
                .efConstruction(200).quantize(quantize).targetRecall(target))) {
            List<String> ids = new ArrayList<>(base.length);
            for (int i = 0; i < base.length; i++) {
                ids.add(Integer.toString(i));
            }
            long b0 = System.nanoTime();
            db.addMany(ids, base);
            double buildSeconds = (System.nanoTime() - b0) / 1e9;
            long s0 = System.nanoTime();
            long c0 = cpu.getCurrentThreadCpuTime();
            db.save();
            double saveCpuSeconds = (cpu.getCurrentThreadCpuTime() - c0) / 1e9;
            double saveSeconds = (System.nanoTime() - s0) / 1e9;
            int defaultEf = db.stats().defaultEfSearch();
            System.out.printf(Locale.ROOT, "dataset=%s n=%d dim=%d metric=%s quantize=%s target=%.3f build_s=%.1f"
                            + " save_with_calibration_s=%.2f save_cpu_s=%.2f default_ef=%s vector_mb=%.1f"
                            + " code_mb=%.1f quantized_search=%s walks_codes=%s%n", data.name(),
                    base.length, data.dim(), data.metric().canonicalName(), quantize, target, buildSeconds,
                    saveSeconds, saveCpuSeconds, defaultEf == 0 ? "scan" : Integer.toString(defaultEf),
                    db.stats().memoryVectorsBytes() / 1e6, db.stats().memoryQuantizedBytes() / 1e6,
                    db.stats().usesQuantizedSearch(), db.stats().walksCodes());
            List<Plan> plans = List.of(new Plan("default", SearchParams.k(10)),
                    new Plan("vctrs-ef200", SearchParams.k(10).efSearch(200)),
                    new Plan("exact", SearchParams.k(10).exact(true)));
            double[][] micros = new double[plans.size()][rounds];
            double[] recall = new double[plans.size()];
            for (int round = -1; round < rounds; round++) { // one unmeasured round warms the JIT
                for (int p = 0; p < plans.size(); p++) {
                    SearchParams params = plans.get(p).params();
                    long hits = 0;
                    long t0 = cpu.getCurrentThreadCpuTime();
                    for (int q = 0; q < queries.length; q++) {
                        List<SearchResult> found = db.search(queries[q], params);
                        if (round == 0) {
                            hits += RunnerSupport.overlap(found, data.groundTruth()[q]);
                        }
                    }
                    long ns = cpu.getCurrentThreadCpuTime() - t0;
                    if (round >= 0) {
                        micros[p][round] = ns / 1e3 / queries.length;
                    }
                    if (round == 0) {
                        recall[p] = hits / (10.0 * queries.length);
                    }
                }
            }
            double exactMicros = RunnerSupport.median(micros[plans.size() - 1]);
            for (int p = 0; p < plans.size(); p++) {
                double m = RunnerSupport.median(micros[p]);
                System.out.printf(Locale.ROOT, "dataset=%s plan=%-11s recall@10=%.4f cpu_us_per_query=%.1f"
                                + " cpu_qps=%.0f cost_vs_exact=%.3f rounds=%s%n", data.name(), plans.get(p).name(),
                        recall[p], m, 1e6 / m, m / exactMicros,
                        Arrays.toString(Arrays.stream(micros[p]).mapToLong(Math::round).toArray()));
            }
        } finally {
            RunnerSupport.deleteTree(dir);
        }
    }

    /** vctrs's bench.py data: uniform [0, 1) components, cosine; exact ground truth. */
    private static Dataset uniform(String spec, int queryCount, int threads) {
        String[] p = spec.split(":");
        int n = Integer.parseInt(p[1]);
        int dim = Integer.parseInt(p[2]);
        SplittableRandom random = new SplittableRandom(42);
        float[][] base = RunnerSupport.uniformRows(n, dim, random);
        float[][] queries = RunnerSupport.uniformRows(queryCount, dim, random);
        int[][] truth = GroundTruth.compute(base, queries, Metric.COSINE, 10, null, threads, Progress.silent());
        return new Dataset("uniform-" + n + "x" + dim, Metric.COSINE, base, queries, truth, null);
    }



}
