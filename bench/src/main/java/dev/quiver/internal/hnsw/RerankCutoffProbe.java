package dev.quiver.internal.hnsw;

import dev.quiver.bench.ann.Dataset;
import dev.quiver.bench.ann.DatasetResolver;
import dev.quiver.bench.hnsw.AlternatingRounds;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;

/**
 * The SQ8 walk's float32 re-rank with and without its measured cutoff ({@link RerankCutoff}), on one index in one
 * JVM: builds the index once (M 16, efConstruction 200, SQ8 traversal), then times every query at each ef in rounds
 * that alternate between the measured cutoff and vctrs's rule (every survivor re-ranked), the order flipping each
 * round, after two unmeasured rounds. Prints, per ef and rule, recall@10, the evaluations per query (walk plus
 * re-rank) and the median thread CPU per query, and how many queries the two rules answer differently (near ties
 * apart, which the kernels' summation order may break either way). Same graph and same JIT state for both rules, so
 * the difference is the re-rank alone. {@code -Dprobe.debug=true} prints, for each query answered differently, every
 * neighbour's code and exact distance. Lives in the engine's package to pin a rule on the index's codes.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx6g -Dquiver.datasets=DIR \
 *     -cp bench/target/benchmarks.jar dev.quiver.internal.hnsw.RerankCutoffProbe DATASET [efs=40,80,160] \
 *     [rounds=7] [queries=1000]
 * </pre>
 */
public final class RerankCutoffProbe {

    private RerankCutoffProbe() {
    }

    public static void main(String[] args) throws Exception {
        AlternatingRounds.Args parsed = AlternatingRounds.Args.parse(args); // the other probes' command line
        int[] efs = parsed.efs();
        int rounds = parsed.rounds();
        Dataset data = DatasetResolver.resolve(parsed.dataset(), null, parsed.queries(), 10, 42, 2);
        float[][] queries = data.queries();
        int[][] truth = data.groundTruth();
        try (HnswIndex index = HnswIndex.create(new HnswConfig(data.base()[0].length, data.metric(), 16, 200, 42L, 2,
                HnswConfig.DEFAULT_EXACT_SCAN_FACTOR).withCodeWalk(CodeWalkRule.ALWAYS))) {
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
            SearchHits[][][] answers = new SearchHits[efs.length][rules.length][queries.length];
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
                                answers[e][r][q] = found;
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
            for (int e = 0; e < efs.length; e++) {
                int differing = 0;
                int ties = 0;
                for (int q = 0; q < queries.length; q++) {
                    int kind = compare(answers[e][0][q], answers[e][1][q]);
                    if (kind == 2 && Boolean.getBoolean("probe.debug")) {
                        debug(index, queries[q], answers[e][0][q], answers[e][1][q], measured);
                    }
                    differing += kind > 0 ? 1 : 0;
                    ties += kind == 1 ? 1 : 0;
                }
                System.out.printf(Locale.ROOT, "ef %d: answers differing between the rules: %d of %d queries"
                        + " (%d only where distances tie within 1e-5)%n", efs[e], differing, queries.length, ties);
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

    /**
     * 0: the same slots; 1: other slots, but every slot one answer has and the other lacks lies within 1e-5 of the
     * other answer's last distance (a near tie, which the kernels' summation order may break either way); 2: a real
     * difference.
     */
    private static int compare(SearchHits cut, SearchHits all) {
        java.util.Set<Integer> a = new java.util.HashSet<>();
        for (int i = 0; i < all.size(); i++) {
            a.add(all.slots()[i]);
        }
        boolean same = cut.size() == all.size();
        boolean tie = cut.size() == all.size() && all.size() > 0;
        float last = all.size() == 0 ? 0f : all.distances()[all.size() - 1];
        for (int i = 0; i < cut.size(); i++) {
            if (!a.contains(cut.slots()[i])) {
                same = false;
                tie &= Math.abs(cut.distances()[i] - last) <= 1e-5f * Math.max(1f, Math.abs(last));
            }
        }
        return same ? 0 : tie ? 1 : 2;
    }

    private static void debug(HnswIndex index, float[] q, SearchHits cut, SearchHits all, RerankCutoff cutoff) {
        QuantizationLifecycle.Lease lease = index.quantization().acquire();
        try {
            SearchState state = new SearchState(index.store().kernelDim(), 32);
            Sq8Scorer codes = new Sq8Scorer(lease.codes(), index.store().metric(), q, state);
            FloatScorer exact = new FloatScorer(index.store(), q);
            float kth = all.distances()[all.size() - 1];
            System.out.printf(Locale.ROOT, "  query residual %.4f, k-th exact %.5f, margin %.5f%n",
                    codes.queryResidual(q), kth, cutoff.margin());
            for (int i = 0; i < all.size(); i++) {
                int slot = all.slots()[i];
                float c = codes.score(slot);
                float x = exact.score(slot);
                boolean inCut = false;
                for (int j = 0; j < cut.size(); j++) {
                    inCut |= cut.slots()[j] == slot;
                }
                System.out.printf(Locale.ROOT, "  slot %d code %.5f exact %.5f error %.5f %s%n", slot, c, x, c - x,
                        inCut ? "" : "MISSED by the cutoff");
            }
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
