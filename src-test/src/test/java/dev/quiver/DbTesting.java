package dev.quiver;

import java.util.Random;

/** Shared helpers of the database tests. */
final class DbTesting {

    private DbTesting() {
    }

    static float[] randomVector(Random rnd, int dim) {
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return v;
    }

    static float[][] randomVectors(Random rnd, int n, int dim) {
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            out[i] = randomVector(rnd, dim);
        }
        return out;
    }

    /** The distance Quiver reports for {@code metric} (cosine 1 - cos clamped at 0, squared L2, negative dot). */
    static float distance(Metric metric, float[] a, float[] b) {
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
            case EUCLIDEAN -> (float) l2;
            case DOT_PRODUCT -> (float) -dot;
            case COSINE -> {
                if (na == 0 && nb == 0) {
                    yield 0f;
                }
                if (na == 0 || nb == 0) {
                    yield 1f;
                }
                yield (float) Math.max(0, 1 - dot / (Math.sqrt(na) * Math.sqrt(nb)));
            }
        };
    }
}
