package dev.quiver;

/**
 * What a search asks for. Immutable: every setter returns a new instance.
 *
 * <pre>{@code
 * SearchParams p = SearchParams.k(10).efSearch(128).filter(Filter.eq("category", "science")).maxDistance(0.35f);
 * }</pre>
 *
 * @param k           how many results at most; 0 returns an empty list
 * @param efSearch    HNSW beam width, or 0 for the database's default: the width its last save measured to reach
 *                    {@link Config#targetRecall} (or the exact scan where the graph cannot), and vctrs's
 *                    {@code max(200, k + floor(10 * sqrt(k)))} before the first save
 * @param filter      metadata filter, or {@code null} for none
 * @param maxDistance results farther than this are dropped (after the top k are chosen), or {@code null} for none
 * @param exact       force an exact scan instead of the graph
 */
public record SearchParams(int k, int efSearch, Filter filter, Float maxDistance, boolean exact) {

    public static final int DEFAULT_K = 10;

    public SearchParams {
        if (k < 0) {
            throw new InvalidArgumentException("k must not be negative, got " + k);
        }
        if (efSearch < 0) {
            throw new InvalidArgumentException("efSearch must be at least 1, got " + efSearch);
        }
        if (maxDistance != null && maxDistance.isNaN()) {
            throw new InvalidArgumentException("maxDistance must not be NaN");
        }
    }

    /** Parameters asking for the k nearest, with every other setting at its default. */
    public static SearchParams k(int k) {
        return new SearchParams(k, 0, null, null, false);
    }

    /** Default parameters: k = 10. */
    public static SearchParams defaults() {
        return k(DEFAULT_K);
    }

    public SearchParams efSearch(int efSearch) {
        if (efSearch < 1) {
            throw new InvalidArgumentException("efSearch must be at least 1, got " + efSearch);
        }
        return new SearchParams(k, efSearch, filter, maxDistance, exact);
    }

    public SearchParams filter(Filter filter) {
        return new SearchParams(k, efSearch, filter, maxDistance, exact);
    }

    /** A filter in the vctrs / Chroma JSON dialect ({@link Filter#parse}). */
    public SearchParams filter(String json) {
        return filter(Filter.parse(json));
    }

    /** A filter as the dialect's structure in Java maps and lists ({@link Filter#of}). */
    public SearchParams filter(java.util.Map<String, ?> map) {
        return filter(Filter.of(map));
    }

    public SearchParams maxDistance(float maxDistance) {
        return new SearchParams(k, efSearch, filter, maxDistance, exact);
    }

    public SearchParams exact(boolean exact) {
        return new SearchParams(k, efSearch, filter, maxDistance, exact);
    }

    /**
     * The explicit beam width (at least k), or vctrs's default {@code max(200, k + floor(10 sqrt(k)))} when none was
     * given; a database that has calibrated its default uses its own width instead ({@link Config#targetRecall}).
     */
    public int effectiveEfSearch() {
        int ef = efSearch > 0 ? efSearch : Math.max(200, k + (int) Math.floor(10 * Math.sqrt(k)));
        return Math.max(ef, k);
    }
}
