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
        return (float) ReferenceDistance.of(metric, a, b);
    }
}
