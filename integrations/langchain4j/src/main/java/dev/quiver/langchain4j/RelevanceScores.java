package dev.quiver.langchain4j;

import dev.quiver.Metric;

/**
 * Maps Quiver distances (smaller is closer) to LangChain4j relevance scores (higher is better), and a
 * {@code minScore} back to the largest distance that still reaches it, so the bound can be pushed into the search.
 *
 * <table>
 *   <caption>Score per metric; d is the distance Quiver reports</caption>
 *   <tr><th>metric</th><th>Quiver distance d</th><th>score</th><th>minScore s as a distance bound</th></tr>
 *   <tr><td>cosine</td><td>1 - cos</td><td>(cos + 1) / 2 = 1 - d / 2, in [0, 1]
 *       (LangChain4j's {@code RelevanceScore.fromCosineSimilarity})</td><td>d &le; 2 (1 - s); none when s &le; 0</td></tr>
 *   <tr><td>dot product</td><td>-dot</td><td>(dot + 1) / 2 = (1 - d) / 2, clamped to [0, 1]: the cosine score
 *       for unit vectors; for longer vectors scores saturate at 0 and 1</td><td>d &le; 1 - 2 s; none when s &le; 0
 *       </td></tr>
 *   <tr><td>euclidean</td><td>squared L2</td><td>1 / (1 + sqrt(d)), in (0, 1]</td>
 *       <td>d &le; (1 / s - 1)^2; none when s &le; 0</td></tr>
 * </table>
 *
 * LangChain4j requires {@code 0 <= minScore <= 1}, so every score lies in [0, 1]. Each score is a non-increasing
 * function of d (strictly decreasing inside [0, 1]), so Quiver's nearest-first order is LangChain4j's best-first order.
 */
final class RelevanceScores {

    private final Metric metric;

    RelevanceScores(Metric metric) {
        this.metric = metric;
    }

    /** The LangChain4j score of a Quiver distance. */
    double score(float distance) {
        double d = distance;
        return switch (metric) {
            case COSINE -> clamp(1.0 - d / 2.0);
            case DOT_PRODUCT -> clamp((1.0 - d) / 2.0);
            case EUCLIDEAN -> 1.0 / (1.0 + Math.sqrt(Math.max(0.0, d)));
        };
    }

    private static double clamp(double score) {
        return Math.max(0.0, Math.min(1.0, score));
    }

    /**
     * The largest distance whose score is still at least {@code minScore}, rounded up to the next float so that a
     * record scoring exactly {@code minScore} is never cut by float rounding (the caller re-checks the score exactly);
     * {@code null} when every distance qualifies.
     */
    Float maxDistance(double minScore) {
        if (Double.isNaN(minScore)) {
            throw new IllegalArgumentException("minScore must be a number, got NaN");
        }
        double bound = switch (metric) {
            case COSINE -> minScore <= 0.0 ? Double.NaN : 2.0 * (1.0 - minScore);
            case DOT_PRODUCT -> minScore <= 0.0 ? Double.NaN : 1.0 - 2.0 * minScore;
            case EUCLIDEAN -> {
                if (minScore <= 0.0) {
                    yield Double.NaN;
                }
                double l2 = 1.0 / minScore - 1.0;
                // A score above 1 is reached by no distance: a negative bound keeps nothing.
                yield l2 < 0.0 ? -1.0 : l2 * l2;
            }
        };
        if (Double.isNaN(bound)) {
            return null;
        }
        if (bound > Float.MAX_VALUE) {
            return null;
        }
        float f = (float) bound;
        return f < bound ? Math.nextUp(f) : f;
    }
}
