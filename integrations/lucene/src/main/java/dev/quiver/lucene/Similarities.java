package dev.quiver.lucene;

import dev.quiver.Metric;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.util.VectorUtil;

/**
 * Lucene similarities in terms of Quiver's distances. The graph orders by the engine metric (ascending distance);
 * the collector receives Lucene's score for the same pair (higher is better), converted from that distance with
 * Lucene's own formulas, so the two orders agree.
 */
final class Similarities {

    private Similarities() {
    }

    /** The engine metric whose order matches {@code sim}'s (maximum inner product orders as the dot product). */
    static Metric metric(VectorSimilarityFunction sim) {
        return switch (sim) {
            case EUCLIDEAN -> Metric.EUCLIDEAN;
            case DOT_PRODUCT, MAXIMUM_INNER_PRODUCT -> Metric.DOT_PRODUCT;
            case COSINE -> Metric.COSINE;
        };
    }

    /** Lucene's score for an engine distance (squared L2, negative dot, or 1 - cos). */
    static float score(VectorSimilarityFunction sim, float distance) {
        return switch (sim) {
            case EUCLIDEAN -> 1f / (1f + distance);
            case DOT_PRODUCT -> Math.max((1f - distance) / 2f, 0f);
            case COSINE -> Math.max((1f + (1f - distance)) / 2f, 0f);
            case MAXIMUM_INNER_PRODUCT -> VectorUtil.scaleMaxInnerProductScore(-distance);
        };
    }
}
