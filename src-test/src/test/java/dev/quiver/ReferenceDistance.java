package dev.quiver;

/**
 * The distances Quiver reports, computed the simple way in double precision: the reference every fast path is tested
 * against. Cosine is {@code 1 - cos} clamped to [0, 2] (two zero vectors at 0, one zero vector at 1), euclidean the
 * squared L2 distance, dot product the negative inner product.
 */
public final class ReferenceDistance {

    private ReferenceDistance() {
    }

    public static double of(Metric metric, float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        double l2 = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
            double d = (double) a[i] - b[i];
            l2 += d * d;
        }
        return switch (metric) {
            case EUCLIDEAN -> l2;
            case DOT_PRODUCT -> -dot;
            case COSINE -> {
                if (na == 0 || nb == 0) {
                    yield na == 0 && nb == 0 ? 0 : 1;
                }
                yield Math.min(2, Math.max(0, 1 - dot / Math.sqrt(na * nb)));
            }
        };
    }
}
