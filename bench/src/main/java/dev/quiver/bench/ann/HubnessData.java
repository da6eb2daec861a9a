package dev.quiver.bench.ann;

import java.util.SplittableRandom;

/**
 * Seeded synthetic vectors shaped like word embeddings, the hard case of graph search at ~100 dimensions (cheap
 * distances, so the cost per visited candidate dominates, and hubs: a few points that are among the near neighbours
 * of very many others). Cosine is their metric. Four properties of real word vectors are imitated:
 * <ul>
 *   <li><b>A decaying variance spectrum</b>: dimension {@code j} has standard deviation
 *       {@code (j + 1)^-spectrumDecay}, a power law like the PCA spectrum of trained embeddings, which spread their
 *       variance over most but not all dimensions; with the default decay 0.25 the participation ratio
 *       {@code (sum var)^2 / sum var^2} is 67 of 100 ({@link #participationRatio}), and within a cluster the
 *       local dimension is lower still. (Only the spectrum matters: L2 and cosine distances do not change under
 *       rotation, so the axes need not be mixed.) A steeper decay (0.5: ratio 16) gives an easier set with fewer
 *       hubs: hubness grows with intrinsic dimension.</li>
 *   <li><b>Zipf-sized clusters</b> (topics, word senses): {@code round(sqrt(n))} cluster centres drawn from that
 *       Gaussian; a point picks centre {@code c} with probability proportional to {@code 1 / (c + 1)}, so a few
 *       clusters hold much of the data.</li>
 *   <li><b>Clusters of different spread</b>: each centre scatters its points with the same spectrum times
 *       {@code withinCluster} times a factor uniform in [0.5, 1.5]: tight clusters sit next to diffuse ones.</li>
 *   <li><b>A common direction</b>: every point is shifted by one shared offset ({@code commonOffset} of the
 *       spectrum's RMS norm), as word vectors share a mean direction that cosine does
 *       not remove.</li>
 * </ul>
 * On 5,000 x 100 the 10-occurrence (how often a point is among the 10 nearest of the others, mean 10) has skewness
 * 2.7-3.9 over seeds 1-4: hubs. (The isotropic clusters of {@link SyntheticData} at 100-d show about as much, 3.2:
 * what sets this set apart is the spectrum, the cluster sizes and spreads and the offset, not hubness alone.) Queries
 * are drawn from the same
 * distribution on a separate random stream (held out: never base rows). Each base point also gets metadata
 * {@code cluster} and {@code parity}, as {@link SyntheticData} does.
 */
public final class HubnessData {

    /** The shape parameters; {@link #DEFAULT} is what {@code hubness:N:D} generates. */
    record Shape(double spectrumDecay, double zipfExponent, double withinCluster, double commonOffset) { }

    static final Shape DEFAULT = new Shape(0.25, 1.0, 0.6, 0.5);

    private HubnessData() {
    }

    public static SyntheticData.Vectors generate(int n, int dim, int queryCount, long seed) {
        return generate(n, dim, queryCount, seed, DEFAULT);
    }

    static SyntheticData.Vectors generate(int n, int dim, int queryCount, long seed, Shape shape) {
        if (n < 1 || dim < 1 || queryCount < 0) {
            throw new IllegalArgumentException("hubness data needs n >= 1, dim >= 1, queries >= 0; got n=" + n
                    + " dim=" + dim + " queries=" + queryCount);
        }
        SplittableRandom random = new SplittableRandom(seed);
        double[] sigma = spectrum(dim, shape.spectrumDecay());
        double rms = 0;
        for (double s : sigma) {
            rms += s * s;
        }
        rms = Math.sqrt(rms);
        double[] offset = new double[dim];
        double offsetNorm = 0;
        for (int j = 0; j < dim; j++) {
            offset[j] = gaussian(random);
            offsetNorm += offset[j] * offset[j];
        }
        offsetNorm = Math.sqrt(offsetNorm);
        for (int j = 0; j < dim; j++) {
            offset[j] *= shape.commonOffset() * rms / offsetNorm;
        }
        int clusters = (int) Math.max(1, Math.round(Math.sqrt(n)));
        double[][] centres = new double[clusters][dim];
        double[] spread = new double[clusters];
        double[] cumulative = new double[clusters];
        double total = 0;
        for (int c = 0; c < clusters; c++) {
            for (int j = 0; j < dim; j++) {
                centres[c][j] = offset[j] + sigma[j] * gaussian(random);
            }
            spread[c] = shape.withinCluster() * (0.5 + random.nextDouble());
            total += 1 / Math.pow(c + 1, shape.zipfExponent());
            cumulative[c] = total;
        }
        for (int c = 0; c < clusters; c++) {
            cumulative[c] /= total;
        }
        Model model = new Model(sigma, centres, spread, cumulative);
        int[] baseCluster = new int[n];
        float[][] base = model.sample(random.split(), n, baseCluster);
        float[][] queries = model.sample(random.split(), queryCount, new int[queryCount]);
        return new SyntheticData.Vectors(base, queries, baseCluster);
    }

    /** Per-dimension standard deviations {@code (j + 1)^-decay}. */
    static double[] spectrum(int dim, double decay) {
        double[] sigma = new double[dim];
        for (int j = 0; j < dim; j++) {
            sigma[j] = Math.pow(j + 1, -decay);
        }
        return sigma;
    }

    /** {@code (sum var)^2 / sum var^2} of the spectrum: the number of dimensions that carry the variance. */
    static double participationRatio(int dim, double decay) {
        double sum = 0;
        double sumSquares = 0;
        for (double s : spectrum(dim, decay)) {
            sum += s * s;
            sumSquares += s * s * s * s;
        }
        return sum * sum / sumSquares;
    }

    private record Model(double[] sigma, double[][] centres, double[] spread, double[] cumulative) {
        float[][] sample(SplittableRandom random, int count, int[] clusterOut) {
            int dim = sigma.length;
            float[][] rows = new float[count][dim];
            for (int i = 0; i < count; i++) {
                int c = pick(random.nextDouble());
                clusterOut[i] = c;
                for (int j = 0; j < dim; j++) {
                    rows[i][j] = (float) (centres[c][j] + spread[c] * sigma[j] * gaussian(random));
                }
            }
            return rows;
        }

        private int pick(double u) {
            int at = java.util.Arrays.binarySearch(cumulative, u);
            return Math.min(cumulative.length - 1, at >= 0 ? at : -at - 1);
        }
    }

    /** Box-Muller, as in {@link SyntheticData}. */
    private static double gaussian(SplittableRandom random) {
        double u1 = 1.0 - random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
