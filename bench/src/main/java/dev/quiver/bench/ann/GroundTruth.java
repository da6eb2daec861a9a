package dev.quiver.bench.ann;

import dev.quiver.Metric;
import dev.quiver.simd.VectorOps;

import java.util.BitSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Exact nearest neighbours by brute force, with Quiver's distance kernels ({@link VectorOps}), one query per task on
 * a fixed pool. Distances follow {@link Metric}: squared L2, {@code 1 - cos}, or {@code -dot}; ties go to the lower
 * row index, as in the shared data sets' ground truth.
 */
public final class GroundTruth {

    private GroundTruth() {
    }

    /**
     * @param allowedRows only these base rows are candidates, or {@code null} for all (filtered ground truth)
     * @param depth       neighbours kept per query; fewer when fewer rows are allowed
     */
    public static int[][] compute(float[][] base, float[][] queries, Metric metric, int depth, BitSet allowedRows,
                                  int threads, Progress progress) {
        float[] baseNorms = metric == Metric.COSINE ? norms(base) : null;
        int[][] result = new int[queries.length][];
        AtomicInteger done = new AtomicInteger();
        try (ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads))) {
            List<Future<?>> tasks = new ArrayList<>(queries.length);
            for (int qi = 0; qi < queries.length; qi++) {
                int q = qi;
                tasks.add(pool.submit(() -> {
                    result[q] = nearest(base, baseNorms, queries[q], metric, depth, allowedRows);
                    progress.update(done.incrementAndGet(), queries.length);
                }));
            }
            for (Future<?> task : tasks) {
                task.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while computing ground truth", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("ground truth failed", e.getCause());
        }
        progress.done();
        return result;
    }

    static float[] norms(float[][] rows) {
        float[] norms = new float[rows.length];
        for (int i = 0; i < rows.length; i++) {
            norms[i] = (float) Math.sqrt(VectorOps.normSquared(rows[i]));
        }
        return norms;
    }

    static float distance(Metric metric, float[] q, float qNorm, float[] row, float rowNorm) {
        return switch (metric) {
            case EUCLIDEAN -> VectorOps.squareDistance(q, row);
            case COSINE -> VectorOps.cosineDistance(VectorOps.dot(q, row), qNorm, rowNorm);
            case DOT_PRODUCT -> -VectorOps.dot(q, row);
        };
    }

    private static int[] nearest(float[][] base, float[] baseNorms, float[] q, Metric metric, int depth,
                                 BitSet allowedRows) {
        float qNorm = metric == Metric.COSINE ? (float) Math.sqrt(VectorOps.normSquared(q)) : 0f;
        // A sorted array of the best so far: rows arrive in increasing index order, so an equal distance never
        // displaces an earlier row, which breaks ties by lower index.
        int[] rows = new int[depth];
        float[] dists = new float[depth];
        int size = 0;
        for (int i = 0; i < base.length; i++) {
            if (allowedRows != null && !allowedRows.get(i)) {
                continue;
            }
            float d = distance(metric, q, qNorm, base[i], baseNorms == null ? 0f : baseNorms[i]);
            if (size == depth && !(d < dists[depth - 1])) {
                continue;
            }
            int pos = size == depth ? depth - 1 : size++;
            while (pos > 0 && dists[pos - 1] > d) {
                dists[pos] = dists[pos - 1];
                rows[pos] = rows[pos - 1];
                pos--;
            }
            dists[pos] = d;
            rows[pos] = i;
        }
        return java.util.Arrays.copyOf(rows, size);
    }
}
