package dev.quiver.lucene;

import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.util.VectorUtil;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.IntPredicate;

/** The reference the format is judged against: live vectors by id, and the exact top k by Lucene's similarity. */
final class VectorModel {

    final int dim;
    final VectorSimilarityFunction sim;
    final Map<Integer, float[]> live = new TreeMap<>();

    VectorModel(int dim, VectorSimilarityFunction sim) {
        this.dim = dim;
        this.sim = sim;
    }

    /** Clustered vectors (a few Gaussian blobs), unit length where the similarity needs it. */
    static float[] vector(Random r, int dim, VectorSimilarityFunction sim, float[][] centres) {
        float[] c = centres[r.nextInt(centres.length)];
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = c[i] + (float) r.nextGaussian() * 0.3f;
        }
        if (sim == VectorSimilarityFunction.DOT_PRODUCT) {
            VectorUtil.l2normalize(v);
        }
        return v;
    }

    static float[][] centres(Random r, int dim, int count) {
        float[][] c = new float[count][dim];
        for (float[] row : c) {
            for (int i = 0; i < dim; i++) {
                row[i] = (float) r.nextGaussian();
            }
        }
        return c;
    }

    /** Ids of the exact top {@code k} live vectors accepted by {@code filter}, best first. */
    List<Integer> exactTopK(float[] q, int k, IntPredicate filter) {
        List<Map.Entry<Integer, float[]>> all = new ArrayList<>();
        for (Map.Entry<Integer, float[]> e : live.entrySet()) {
            if (filter.test(e.getKey())) {
                all.add(e);
            }
        }
        all.sort(Comparator.comparingDouble((Map.Entry<Integer, float[]> e) -> -sim.compare(q, e.getValue()))
                .thenComparing(Map.Entry::getKey));
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < Math.min(k, all.size()); i++) {
            ids.add(all.get(i).getKey());
        }
        return ids;
    }
}
