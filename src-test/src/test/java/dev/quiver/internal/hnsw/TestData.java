package dev.quiver.internal.hnsw;

import dev.quiver.bench.ann.DatasetResolver;
import dev.quiver.bench.ann.VecsFormat;

import dev.quiver.Metric;
import dev.quiver.ReferenceDistance;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Vectors for the index tests: generated ones, the shared TEXMEX data sets, and a brute-force reference. */
final class TestData {

    private TestData() {
    }

    static float[][] uniform(SplittableRandom rnd, int n, int dim) {
        float[][] v = new float[n][dim];
        for (float[] row : v) {
            for (int d = 0; d < dim; d++) {
                row[d] = (float) (rnd.nextDouble() * 2 - 1);
            }
        }
        return v;
    }

    /** {@code n} points around {@code clusters} Gaussian centres: the shape where neighbour diversity matters. */
    static float[][] clustered(SplittableRandom rnd, int n, int dim, int clusters, double spread) {
        return around(rnd, uniform(rnd, clusters, dim), n, spread);
    }

    /** {@code n} points around the given centres (queries drawn from the same distribution as the data). */
    static float[][] around(SplittableRandom rnd, float[][] centres, int n, double spread) {
        int clusters = centres.length;
        int dim = centres[0].length;
        float[][] v = new float[n][dim];
        for (int i = 0; i < n; i++) {
            float[] c = centres[rnd.nextInt(clusters)];
            for (int d = 0; d < dim; d++) {
                v[i][d] = (float) (c[d] + spread * gaussian(rnd));
            }
        }
        return v;
    }

    static double gaussian(SplittableRandom rnd) {
        double u = 1 - rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd.nextDouble());
    }

    /** Reference distance in double precision. */
    static double distance(Metric metric, float[] a, float[] b) {
        return ReferenceDistance.of(metric, a, b);
    }

    /** The k nearest of {@code live} (null entries are absent) to q, nearest first, ties by slot. */
    static int[] bruteForce(Metric metric, float[][] vectors, boolean[] live, float[] q, int k) {
        int[] best = new int[k];
        double[] bestDist = new double[k];
        int n = 0;
        for (int i = 0; i < vectors.length; i++) {
            if (vectors[i] == null || (live != null && !live[i])) {
                continue;
            }
            double d = distance(metric, q, vectors[i]);
            if (n == k && d >= bestDist[k - 1]) {
                continue;
            }
            int j = n < k ? n++ : k - 1;
            while (j > 0 && bestDist[j - 1] > d) {
                bestDist[j] = bestDist[j - 1];
                best[j] = best[j - 1];
                j--;
            }
            bestDist[j] = d;
            best[j] = i;
        }
        return Arrays.copyOf(best, n);
    }

    /** Fraction of {@code truth[0..k)} found in {@code hits}. */
    static double recall(int[] truth, SearchHits hits, int k) {
        int found = 0;
        int kk = Math.min(k, truth.length);
        for (int i = 0; i < kk; i++) {
            for (int j = 0; j < hits.size(); j++) {
                if (hits.slots()[j] == truth[i]) {
                    found++;
                    break;
                }
            }
        }
        return kk == 0 ? 1 : (double) found / kk;
    }

    /** {@code ../shared/datasets} (or {@code -Dquiver.datasets}); the path may not exist (tests then skip). */
    static Path datasets() {
        Path root = DatasetResolver.datasetsRoot();
        return root != null ? root : Path.of("../shared/datasets");
    }

    static float[][] readFvecs(Path file, int limit) throws IOException {
        return VecsFormat.readFvecs(file, limit);
    }

    static int[][] readIvecs(Path file, int limit) throws IOException {
        return VecsFormat.readIvecs(file, limit);
    }
}
