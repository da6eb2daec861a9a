package dev.quiver.internal.hnsw;

import dev.quiver.Metric;
import dev.quiver.internal.quant.Sq8Codes;

import java.util.SplittableRandom;

/**
 * How far a graph walk on SQ8 codes re-ranks its survivors with float32. vctrs re-ranks all {@code ef} of them; most
 * cannot change the answer, and each is a random read of a whole float32 vector. The survivors arrive nearest first
 * on codes, so once a survivor's code distance exceeds the k-th exact distance found so far by more than the code
 * distances' error, neither it nor any later one can be among the k nearest, and the re-rank stops there.
 *
 * <p>The error is measured, not derived: a closed-form bound (Cauchy-Schwarz over the rounding errors) is about
 * {@code sqrt(dim)} times too loose to stop anywhere useful. {@link #measure} compares code and float32 distances
 * over node pairs that are layer-0 neighbours (near pairs, the distances a top-k answer is made of), each node
 * standing in for a query the way searches quantize queries; the margin is {@link #SAFETY} times the largest error
 * seen. A query with more of its components outside the codes' trained range than any sampled node had (its rounding
 * error is then unbounded) re-ranks every survivor, as does an index with too few pairs to measure on.
 *
 * <p>Measured once per codes (lazily, by the first walk on them) and again when the live count has doubled or
 * halved since; immutable.
 */
final class RerankCutoff {

    /** Nodes sampled as queries. */
    static final int SAMPLE = 200;
    /** Fewest node pairs a margin is measured on; below it every survivor is re-ranked. */
    static final int MIN_PAIRS = 500;
    /** The margin over the largest error seen. */
    static final float SAFETY = 2f;
    private static final long SEED = 0x5EED_C0DEL;

    /** Re-rank every survivor (vctrs's rule): nothing measured, or nothing to measure on. */
    static final RerankCutoff ALL = new RerankCutoff(Float.POSITIVE_INFINITY, -1, 0, 0);

    private final float margin;
    private final int maxClamped;
    private final int measuredLive;
    private final int pairs;

    private RerankCutoff(float margin, int maxClamped, int measuredLive, int pairs) {
        this.margin = margin;
        this.maxClamped = maxClamped;
        this.measuredLive = measuredLive;
        this.pairs = pairs;
    }

    /**
     * The margin a search with {@code clampedDims} clamped query components may stop at: the measured one, or
     * infinity (re-rank all) when the query lies further outside the trained range than the sampled nodes did.
     */
    float marginFor(int clampedDims) {
        return clampedDims <= maxClamped ? margin : Float.POSITIVE_INFINITY;
    }

    /** The measured margin (infinite when nothing was measured). */
    float margin() {
        return margin;
    }

    /** Node pairs the margin was measured on. */
    int pairs() {
        return pairs;
    }

    /** Whether the live count moved so far from the measured one (a factor of two) that it is measured again. */
    boolean staleFor(int liveNow) {
        return this != ALL && (liveNow > 2L * measuredLive || 2L * liveNow < measuredLive);
    }

    /**
     * Measures the margin of {@code codes} on up to {@link #SAMPLE} distinct live nodes and their live layer-0
     * neighbours (seeded, so the same index gives the same margin).
     */
    static RerankCutoff measure(VectorSlabs store, GraphLayers layers, Sq8Codes codes, int totalSlots, int live) {
        if (totalSlots <= 1 || live <= 1) {
            return ALL;
        }
        Metric metric = store.metric();
        SearchState state = new SearchState(store.kernelDim(), layers.maxDegree(0));
        float[] node = new float[store.dim()];
        int[] neighbours = new int[layers.maxDegree(0) + 1];
        SplittableRandom random = new SplittableRandom(SEED);
        java.util.BitSet taken = new java.util.BitSet(totalSlots);
        float maxError = 0f;
        int maxClamped = 0;
        int pairs = 0;
        int sampled = 0;
        for (int attempt = 0; attempt < 20 * SAMPLE && sampled < SAMPLE; attempt++) {
            int slot = random.nextInt(totalSlots);
            if (taken.get(slot) || !layers.isLive(slot)) {
                continue;
            }
            taken.set(slot);
            sampled++;
            store.read(slot, node);
            Sq8Scorer onCodes = new Sq8Scorer(codes, metric, node, state);
            FloatScorer exact = new FloatScorer(store, node);
            maxClamped = Math.max(maxClamped, onCodes.clampedDims());
            int n = layers.readNeighbors(slot, 0, neighbours);
            for (int i = 0; i < n; i++) {
                int other = neighbours[i];
                if (other == slot || !layers.isLive(other)) {
                    continue;
                }
                float error = Math.abs(onCodes.score(other) - exact.score(other));
                if (!Float.isFinite(error)) {
                    return ALL; // distances that overflow: no margin can be trusted
                }
                maxError = Math.max(maxError, error);
                pairs++;
            }
        }
        if (pairs < MIN_PAIRS) {
            return ALL;
        }
        return new RerankCutoff(SAFETY * maxError, maxClamped, live, pairs);
    }

    @Override
    public String toString() {
        return "RerankCutoff[margin=" + margin + ", maxClamped=" + maxClamped + ", pairs=" + pairs + "]";
    }
}
