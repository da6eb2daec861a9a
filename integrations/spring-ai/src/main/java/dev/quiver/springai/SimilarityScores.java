package dev.quiver.springai;

import dev.quiver.Metric;

/**
 * Converts Quiver distances (smaller is closer) into Spring AI similarity scores (in [0, 1], higher is closer), and a
 * {@code similarityThreshold} into the largest distance that still reaches it, so the search itself drops what is too
 * far.
 *
 * <table>
 *   <caption>Similarity per metric, with d the distance Quiver reports</caption>
 *   <tr><th>metric</th><th>d</th><th>similarity</th><th>threshold t as a distance bound</th></tr>
 *   <tr><td>cosine</td><td>1 - cos</td><td>(1 + cos) / 2 = 1 - d / 2</td><td>d &le; 2 (1 - t)</td></tr>
 *   <tr><td>dot product</td><td>-dot</td><td>(1 + dot) / 2, clamped to [0, 1] (the cosine similarity for unit
 *       vectors)</td><td>d &le; 1 - 2t</td></tr>
 *   <tr><td>euclidean</td><td>squared L2</td><td>1 / (1 + sqrt(d))</td><td>d &le; (1 / t - 1)^2</td></tr>
 * </table>
 *
 * Each similarity is a non-increasing function of d, so Quiver's nearest-first order is Spring AI's most-similar-first
 * order, and a threshold of 0 keeps everything.
 */
final class SimilarityScores {

    private final Metric metric;

    SimilarityScores(Metric metric) {
        this.metric = metric;
    }

    /** The similarity of a Quiver distance. */
    double similarity(float distance) {
        double d = distance;
        return switch (metric) {
            case COSINE -> clamp(1.0 - d / 2.0);
            case DOT_PRODUCT -> clamp((1.0 - d) / 2.0);
            case EUCLIDEAN -> 1.0 / (1.0 + Math.sqrt(Math.max(0.0, d)));
        };
    }

    /**
     * The largest distance whose similarity is at least {@code threshold}, rounded up to the next float so float
     * rounding never cuts a record that reaches the threshold (the caller compares the similarity itself too);
     * {@code null} when every distance qualifies.
     *
     * @throws IllegalArgumentException for a threshold outside [0, 1]
     */
    Float maxDistance(double threshold) {
        if (!(threshold >= 0.0 && threshold <= 1.0)) {
            throw new IllegalArgumentException("similarityThreshold must be in [0, 1], got " + threshold);
        }
        if (threshold == 0.0) {
            return null;
        }
        double bound = switch (metric) {
            case COSINE -> 2.0 * (1.0 - threshold);
            case DOT_PRODUCT -> 1.0 - 2.0 * threshold;
            case EUCLIDEAN -> {
                double l2 = 1.0 / threshold - 1.0;
                yield l2 * l2;
            }
        };
        if (bound > Float.MAX_VALUE) {
            return null;
        }
        float f = (float) bound;
        return f < bound ? Math.nextUp(f) : f;
    }

    private static double clamp(double similarity) {
        return Math.max(0.0, Math.min(1.0, similarity));
    }
}
