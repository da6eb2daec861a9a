package dev.quiver.bench.hnsw;

import dev.quiver.Config;
import dev.quiver.Database;
import dev.quiver.Metric;
import dev.quiver.SearchParams;
import dev.quiver.SearchResult;
import dev.quiver.bench.ann.Dataset;
import dev.quiver.bench.ann.DatasetResolver;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Single-thread search cost in CPU time per query, for before/after comparisons on a shared, loaded machine: wall-clock
 * QPS there measures the scheduler more than the search (a query preempted for 20 ms), while the thread's CPU time
 * counts only the cycles the search ran. Builds one database from a data set (same settings as {@code bench/ann}:
 * M 16, efConstruction 200, k 10), then runs every query at each ef in rounds that alternate the efs, and prints the
 * median CPU microseconds per query and recall@10 per ef. Public API only, so the same class runs against any build.
 *
 * <pre>
 * java ... dev.quiver.bench.hnsw.SearchCpuRunner DATASET_DIR|DATASET_NAME euclidean|cosine [efs=40,80,200] \
 *     [rounds=7] [quantize=false]
 * </pre>
 */
public final class SearchCpuRunner {

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        Metric metric = Metric.parse(args[1]);
        int[] efs = {40, 80, 200};
        int rounds = 7;
        boolean quantize = false;
        for (String a : args) {
            if (a.startsWith("efs=")) {
                efs = Arrays.stream(a.substring(4).split(",")).mapToInt(Integer::parseInt).toArray();
            } else if (a.startsWith("quantize=")) {
                quantize = RunnerSupport.strictBoolean("quantize", a.substring(9));
            } else if (a.startsWith("rounds=")) {
                rounds = Integer.parseInt(a.substring(7));
            }
        }
        float[][] base;
        float[][] queries;
        int[][] truth;
        if (Files.isDirectory(data)) {
            base = HnswRunner.readFvecs(data.resolve("base.fvecs"), Integer.MAX_VALUE);
            queries = HnswRunner.readFvecs(data.resolve("query.fvecs"), Integer.MAX_VALUE);
            truth = HnswRunner.readIvecs(data.resolve("groundtruth.ivecs"));
        } else { // a bench/ann data set name, e.g. hubness:100000:100 or fashion-mnist (1,000 queries)
            Dataset named = DatasetResolver.resolve(args[0], metric, 1000, 10, 42, 2);
            base = named.base();
            queries = named.queries();
            truth = named.groundTruth();
        }
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        Path dir = Files.createTempDirectory("quiver-searchcpu");
        try (Database db = Database.open(dir.resolve("db"), Config.dim(base[0].length).metric(metric).m(16)
                .efConstruction(200).quantize(quantize))) {
            List<String> ids = new ArrayList<>(base.length);
            for (int i = 0; i < base.length; i++) {
                ids.add(Integer.toString(i));
            }
            db.addMany(ids, base);
            if (quantize) {
                db.save(); // trains the codes on the whole index, as bench/ann's quiver-sq8 does before searching
            }
            double[][] samples = new double[efs.length][rounds];
            double[] recall = new double[efs.length];
            for (int round = -2; round < rounds; round++) { // two unmeasured rounds warm the JIT
                for (int e = 0; e < efs.length; e++) {
                    SearchParams params = SearchParams.k(10).efSearch(efs[e]);
                    long hits = 0;
                    long t0 = cpu.getCurrentThreadCpuTime();
                    for (int q = 0; q < queries.length; q++) {
                        List<SearchResult> found = db.search(queries[q], params);
                        if (round == 0) {
                            hits += RunnerSupport.overlap(found, truth[q]);
                        }
                    }
                    long ns = cpu.getCurrentThreadCpuTime() - t0;
                    if (round >= 0) {
                        samples[e][round] = ns / 1e3 / queries.length;
                    }
                    if (round == 0) {
                        recall[e] = hits / (10.0 * queries.length);
                    }
                }
            }
            for (int e = 0; e < efs.length; e++) {
                double[] s = samples[e].clone();
                Arrays.sort(s);
                System.out.printf(Locale.ROOT, "dataset=%s n=%d ef=%d recall@10=%.4f cpu_us_per_query_median=%.1f"
                                + " min=%.1f max=%.1f%n", data.getFileName(), base.length, efs[e], recall[e],
                        s[s.length / 2], s[0], s[s.length - 1]);
            }
        } finally {
            RunnerSupport.deleteTree(dir);
        }
    }

}
