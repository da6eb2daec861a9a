package dev.quiver.internal.hnsw;

import dev.quiver.bench.ann.Dataset;
import dev.quiver.bench.ann.DatasetResolver;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;

/**
 * The SQ8 walk's float32 re-rank with and without its measured cutoff ({@link RerankCutoff}), on one index in one
 * JVM: builds the index once (M 16, efConstruction 200, SQ8 traversal), then times every query at each ef in rounds
 * that alternate between the measured cutoff and vctrs's rule (every survivor re-ranked), the order flipping each
 * round, after two unmeasured rounds. Prints, per ef and rule, recall@10, the evaluations per query (walk plus
 * re-rank) and the median thread CPU per query. Same graph and same JIT state for both rules, so the difference is
 * the re-rank alone. Lives in the engine's package to pin a rule on the index's codes.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx6g -Dquiver.datasets=DIR \
 *     -cp bench/target/benchmarks.jar dev.quiver.internal.hnsw.RerankCutoffProbe DATASET [efs=40,80,200,400] \
 *     [rounds=7] [queries=1000]
 * </pre>
 */
public final class RerankCutoffProbe {

    private RerankCutoffProbe() {
    }

    public static void main(String[] args) throws Exception {
        int[] efs = {40, 80, 200, 400};
        int rounds = 7;
        int queryLimit = 1000;
        for (String a : args) {
            String value = a.substring(a.indexOf('=') + 1);
            if (a.startsWith("efs=")) {
                efs = Arrays.stream(value.split(",")).mapToInt(Integer::parseInt).toArray();
            } else if (a.startsWith("rounds=")) {
                rounds = Integer.parseInt(value);
            } else if (a.startsWith("queries=")) {
                queryLimit = Integer.parseInt(value);
            }
        }
        Dataset data = DatasetResolver.resolve(args[0], null, queryLimit, 10, 42, 2);
        float[][] queries = data.queries();
        int[][] truth = data.groundTruth();
        try (HnswIndex index = HnswIndex.create(new HnswConfig(data.base()[0].length, data.metric(), 16, 200, 42L, 2,
                HnswConfig.DEFAULT_EXACT_SCAN_FACTOR))) {
            index.insertBatch(data.base());
            index.enableQuantization();
            index.search(queries[0], 10, efs[0], null, SearchMode.GRAPH); // the first walk measures the cutoff
            RerankCutoff measured = pinned(index, null);
            System.out.printf(Locale.ROOT, "data set %s: %d x %d, %s, %d queries; %s%n", data.name(),
                    data.base().length, data.base()[0].length, data.metric(), queries.length, measured);
            RerankCutoff[] rules = {measured, RerankCutoff.ALL};
            String[] names = {"cutoff", "all"};
            ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
            double[][][] samples = new double[efs.length][rules.length][rounds];
            double[][] recall = new double[efs.length][rules.length];
            double[][] work = new double[efs.length][rules.length];
            for (int round = -2; round < rounds; round++) {
                for (int e = 0; e < efs.length; e++) {
                    for (int turn = 0; turn < rules.length; turn++) {
                        int r = (turn + Math.max(round, 0)) % rules.length;
                        pinned(index, rules[r]);
                        long hits = 0;
                        long evaluations = 0;
                        long t0 = cpu.getCurrentThreadCpuTime();
                        for (int q = 0; q < queries.length; q++) {
                            SearchHits found = index.search(queries[q], 10, efs[e], null, SearchMode.GRAPH);
                            if (round == 0) {
                                hits += overlap(found, truth[q]);
                                evaluations += found.work().distances();
                            }
                        }
                        long ns = cpu.getCurrentThreadCpuTime() - t0;
                        if (round >= 0) {
                            samples[e][r][round] = ns / 1e3 / queries.length;
                        }
                        if (round == 0) {
                            recall[e][r] = hits / (10.0 * queries.length);
                            work[e][r] = (double) evaluations / queries.length;
                        }
                    }
                }
            }
            System.out.println("ef    rule    recall@10  evals/q  cpu us/q (median, min-max)  cutoff/all");
            for (int e = 0; e < efs.length; e++) {
                double[] medians = new double[rules.length];
                for (int r = 0; r < rules.length; r++) {
                    double[] s = samples[e][r].clone();
                    Arrays.sort(s);
                    medians[r] = s[s.length / 2];
                    System.out.printf(Locale.ROOT, "%-5d %-7s %9.4f %8.1f %9.1f (%.1f-%.1f)%s%n", efs[e], names[r],
                            recall[e][r], work[e][r], medians[r], s[0], s[s.length - 1],
                            r == rules.length - 1 ? String.format(Locale.ROOT, "  %.3f", medians[0] / medians[r]) : "");
                }
            }
        }
    }

    /** Pins {@code rule} on the index's codes (null: leaves them), returning the rule in force before. */
    private static RerankCutoff pinned(HnswIndex index, RerankCutoff rule) {
        QuantizationLifecycle.Lease lease = index.quantization().acquire();
        try {
            RerankCutoff before = lease.cutoff();
            if (rule != null) {
                lease.cutoff(rule);
            }
            return before;
        } finally {
            lease.release();
        }
    }

    private static int overlap(SearchHits found, int[] truth) {
        int hits = 0;
        for (int i = 0; i < found.size(); i++) {
            for (int j = 0; j < 10 && j < truth.length; j++) {
                if (found.slots()[i] == truth[j]) {
                    hits++;
                    break;
                }
            }
        }
        return hits;
    }
}
