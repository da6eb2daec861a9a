package dev.quiver.internal.hnsw;

import dev.quiver.Metric;
import dev.quiver.internal.quant.Sq8Codes;

import java.util.SplittableRandom;

/**
 * How far a graph walk on SQ8 codes (or the code scan) re-ranks its survivors with float32. vctrs re-ranks all
 * {@code ef} of them; most cannot change the answer, and each is a random read of a whole float32 vector. The
 * survivors arrive nearest first on codes; the re-rank stops at the first one whose code distance lies so far beyond
 * the k-th exact distance found so far that no code error within the measured spread can bring it back. The spread is
 * measured, so this is an empirical rule, not a proof; the checks below send doubtful queries back to re-ranking all.
 *
 * <p><b>The rule.</b> A code distance's error ({@code code - exact}) has a part shared by all of a query's candidates
 * (the query's own rounding moves every near candidate alike: up to 0.09 on a 100-d cosine set where the rest varied
 * by less than 0.06) and the candidate's own. The re-rank sees the shared part: the smallest error among the
 * survivors it has scored. For a query whose candidates' errors span at most {@code spread}, a survivor with code
 * distance {@code c} has exact distance at least {@code c - (smallest error seen + spread)}; the re-rank stops once
 * that exceeds the k-th exact distance.
 *
 * <p><b>The measurement.</b> A closed-form bound is about {@code sqrt(dim)} times too loose to stop anywhere useful.
 * {@link #measure} takes sampled nodes as queries, quantized as searches quantize queries, against their layer-0
 * neighbours: mostly near pairs, the distances a top-k answer is made of, plus the long links the neighbour heuristic
 * keeps between clusters. The margin is {@link #SAFETY} times the largest spread of one node's errors. For squared L2
 * the error grows with the distance, so a query far from all data could exceed it; a review's probes (uniform
 * queries, wide clusters, selective filters, half the index deleted, k from 1 to 100) lost no neighbour, but nothing
 * checks it per query.
 *
 * <p><b>Every survivor is re-ranked</b>, as before:
 * <ul>
 *   <li>for a query that quantizing moves further than it moved any sampled node (components outside the trained
 *       range, or values between the codes' steps where the stored data sits on them): its error is larger;</li>
 *   <li>for a query whose re-ranked survivors' errors already span more than the measured spread: a stored vector
 *       with a component far outside the trained range (clamped when encoded) scores much too near on codes, and
 *       would otherwise pull the limit down and cut off true neighbours;</li>
 *   <li>in dot-product indexes. Their distances are not normalised, so a clamped component can also make a stored
 *       vector's code distance much too far, hiding it behind the cutoff when it is among the nearest; no error seen
 *       on the survivors can reveal that. For squared L2 with a query in range, clamping only moves a stored vector
 *       nearer on codes (towards the query's side of the range); for cosine the error a clamped component adds is
 *       divided by the vector's own norm, which that component dominates;</li>
 *   <li>in indexes with too few neighbour pairs to measure on, until they have doubled.</li>
 * </ul>
 *
 * <p>Measured once per codes (lazily, by the first walk on them) and again when the live count has doubled or
 * halved since; immutable.
 */
final class RerankCutoff {

    /** Nodes sampled as queries. */
    static final int SAMPLE = 200;
    /** Fewest node pairs a margin is measured on; below it every survivor is re-ranked. */
    static final int MIN_PAIRS = 500;
    /** The margin over the largest spread of one sampled node's errors. */
    static final float SAFETY = 2f;
    private static final long SEED = 0x5EED_C0DEL;

    /** Re-rank every survivor (vctrs's rule), whatever the index becomes: dot products, and pinning (tests, probes). */
    static final RerankCutoff ALL = new RerankCutoff(Float.POSITIVE_INFINITY, -1, 0, 0);
    /** Published while one search measures, so that concurrent searches re-rank every survivor instead of measuring. */
    static final RerankCutoff MEASURING = new RerankCutoff(Float.POSITIVE_INFINITY, -1, 0, 0);

    private final float margin;
    /** The largest {@link Sq8Scorer#queryResidual} among the sampled nodes. */
    private final double maxResidual;
    private final int measuredLive;
    private final int pairs;

    private RerankCutoff(float margin, double maxResidual, int measuredLive, int pairs) {
        this.margin = margin;
        this.maxResidual = maxResidual;
        this.measuredLive = measuredLive;
        this.pairs = pairs;
    }

    /**
     * The margin a search for {@code query}, scored by {@code onCodes}, may stop at: the measured one, or infinity
     * (re-rank all) when nothing was measured or quantizing moved the query further than any sampled node.
     */
    float marginFor(Sq8Scorer onCodes, float[] query) {
        if (margin == Float.POSITIVE_INFINITY) {
            return margin; // no pass over the query when it cannot matter
        }
        return onCodes.queryResidual(query) <= maxResidual ? margin : Float.POSITIVE_INFINITY;
    }

    /** The largest spread of one sampled node's errors: a query whose errors span more re-ranks every survivor. */
    float spread() {
        return margin / SAFETY;
    }

    /** The measured margin over a query's smallest error (infinite when nothing was measured). */
    float margin() {
        return margin;
    }

    /** Node pairs the margin was measured on. */
    int pairs() {
        return pairs;
    }

    /** Whether the live count moved so far from the measured one (a factor of two) that it is measured again. */
    boolean staleFor(int liveNow) {
        return measuredLive > 0 && (liveNow > 2L * measuredLive || 2L * liveNow < measuredLive);
    }

    /**
     * Measures the margin of {@code codes} on up to {@link #SAMPLE} distinct live nodes and their live layer-0
     * neighbours (seeded, so the same index gives the same margin).
     */
    static RerankCutoff measure(VectorSlabs store, GraphLayers layers, Sq8Codes codes, int totalSlots, int live) {
        Metric metric = store.metric();
        if (metric == Metric.DOT_PRODUCT) {
            return ALL; // see the class comment
        }
        if (totalSlots <= 1 || live <= 1) {
            return unmeasured(live, 0);
        }
        SearchState state = new SearchState(store.kernelDim(), layers.maxDegree(0));
        float[] node = new float[store.dim()];
        int[] neighbours = new int[layers.maxDegree(0) + 1];
        SplittableRandom random = new SplittableRandom(SEED);
        int[] taken = new int[SAMPLE]; // nothing proportional to the index
        float maxSpread = 0f;
        double maxResidual = 0;
        int pairs = 0;
        int sampled = 0;
        for (int attempt = 0; attempt < 20 * SAMPLE && sampled < SAMPLE; attempt++) {
            int slot = random.nextInt(totalSlots);
            if (!layers.isLive(slot) || contains(taken, sampled, slot)) {
                continue;
            }
            taken[sampled++] = slot;
            store.read(slot, node);
            Sq8Scorer onCodes = new Sq8Scorer(codes, metric, node, state);
            FloatScorer exact = new FloatScorer(store, node);
            maxResidual = Math.max(maxResidual, onCodes.queryResidual(node));
            int n = layers.readNeighbors(slot, 0, neighbours);
            float lowest = Float.POSITIVE_INFINITY;
            float highest = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                int other = neighbours[i];
                if (other == slot || !layers.isLive(other)) {
                    continue;
                }
                float error = onCodes.score(other) - exact.score(other);
                if (!Float.isFinite(error)) {
                    return unmeasured(live, pairs); // distances that overflow: no margin can be trusted
                }
                lowest = Math.min(lowest, error);
                highest = Math.max(highest, error);
                pairs++;
            }
            if (highest >= lowest) {
                maxSpread = Math.max(maxSpread, highest - lowest);
            }
        }
        if (pairs < MIN_PAIRS) {
            return unmeasured(live, pairs);
        }
        return new RerankCutoff(SAFETY * maxSpread, maxResidual, live, pairs);
    }

    private static boolean contains(int[] values, int count, int value) {
        for (int i = 0; i < count; i++) {
            if (values[i] == value) {
                return true;
            }
        }
        return false;
    }

    /** Re-rank every survivor until the index has doubled, then measure again. */
    private static RerankCutoff unmeasured(int live, int pairs) {
        return new RerankCutoff(Float.POSITIVE_INFINITY, -1, Math.max(live, 1), pairs);
    }

    @Override
    public String toString() {
        return "RerankCutoff[margin=" + margin + ", maxResidual=" + maxResidual + ", pairs=" + pairs + "]";
    }
}
