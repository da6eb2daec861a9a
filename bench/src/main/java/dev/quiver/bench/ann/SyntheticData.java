package dev.quiver.bench.ann;

import java.util.SplittableRandom;

/**
 * Seeded clustered Gaussian vectors: {@code max(1, round(sqrt(n) / 4))} cluster centres uniform in [-1, 1]^d, each
 * point a centre plus N(0, 0.15²) noise per coordinate. Queries come from the same distribution (a separate stream),
 * so they have near neighbours, as real queries do. Each point also gets metadata {@code cluster} (its centre's
 * number) and {@code parity} ("even"/"odd" row index) for filtered runs.
 */
public final class SyntheticData {

    static final double NOISE_SIGMA = 0.15;

    private SyntheticData() {
    }

    public record Vectors(float[][] base, float[][] queries, int[] baseCluster) { }

    public static Vectors generate(int n, int dim, int queryCount, long seed) {
        if (n < 1 || dim < 1 || queryCount < 0) {
            throw new IllegalArgumentException("synthetic data needs n >= 1, dim >= 1, queries >= 0; got n=" + n
                    + " dim=" + dim + " queries=" + queryCount);
        }
        SplittableRandom random = new SplittableRandom(seed);
        int clusters = (int) Math.max(1, Math.round(Math.sqrt(n) / 4));
        float[][] centres = new float[clusters][dim];
        for (float[] centre : centres) {
            for (int j = 0; j < dim; j++) {
                centre[j] = (float) (random.nextDouble() * 2 - 1);
            }
        }
        int[] baseCluster = new int[n];
        float[][] base = sample(random.split(), centres, n, baseCluster);
        float[][] queries = sample(random.split(), centres, queryCount, new int[queryCount]);
        return new Vectors(base, queries, baseCluster);
    }

    private static float[][] sample(SplittableRandom random, float[][] centres, int count, int[] clusterOut) {
        int dim = centres[0].length;
        float[][] rows = new float[count][dim];
        for (int i = 0; i < count; i++) {
            int c = random.nextInt(centres.length);
            clusterOut[i] = c;
            for (int j = 0; j < dim; j++) {
                rows[i][j] = (float) (centres[c][j] + gaussian(random) * NOISE_SIGMA);
            }
        }
        return rows;
    }

    /** Box-Muller; SplittableRandom has no nextGaussian of its own on every JDK we target. */
    private static double gaussian(SplittableRandom random) {
        double u1 = 1.0 - random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
