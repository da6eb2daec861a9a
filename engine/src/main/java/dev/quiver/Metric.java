package dev.quiver;

/**
 * How distance is measured. Smaller is always closer, and results are sorted ascending.
 *
 * <ul>
 *   <li>{@link #COSINE}: {@code 1 - cos(a, b)}, clamped to [0, 2]; two zero vectors are at 0, a zero and a non-zero at 1.</li>
 *   <li>{@link #EUCLIDEAN}: the <em>squared</em> L2 distance (no square root), as vctrs reports it.</li>
 *   <li>{@link #DOT_PRODUCT}: the negative inner product {@code -(a . b)}, which can be negative.</li>
 * </ul>
 */
public enum Metric {
    COSINE("cosine"),
    EUCLIDEAN("euclidean"),
    DOT_PRODUCT("dot_product");

    private final String canonicalName;

    Metric(String canonicalName) {
        this.canonicalName = canonicalName;
    }

    /** The name vctrs reports: {@code cosine}, {@code euclidean} or {@code dot_product}. */
    public String canonicalName() {
        return canonicalName;
    }

    /**
     * Parses a vctrs metric name (case-sensitive, as vctrs): {@code cosine}; {@code euclidean} or {@code l2};
     * {@code dot} or {@code dot_product}.
     *
     * @throws InvalidMetricException for anything else, with vctrs's message
     */
    public static Metric parse(String name) {
        if (name != null) {
            switch (name) {
                case "cosine": return COSINE;
                case "euclidean", "l2": return EUCLIDEAN;
                case "dot", "dot_product": return DOT_PRODUCT;
                default: break;
            }
        }
        throw new InvalidMetricException(
                "invalid metric '" + name + "': use 'cosine', 'euclidean'/'l2', or 'dot'/'dot_product'");
    }

    @Override
    public String toString() {
        return canonicalName;
    }
}
