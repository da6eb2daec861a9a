package dev.quiver.opensearch;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import org.apache.lucene.index.VectorSimilarityFunction;

/**
 * The test's model of an index: each live document's vector and metadata, with the exact k nearest by brute force
 * under Lucene's similarity scores (higher is closer), to measure the cluster's answers against.
 */
final class VectorModel {

    record Doc(String id, float[] vector, String tag, int n) {}

    private final VectorSimilarityFunction similarity;
    private final Map<String, Doc> docs = new HashMap<>();

    VectorModel(VectorSimilarityFunction similarity) {
        this.similarity = similarity;
    }

    void put(Doc doc) {
        docs.put(doc.id(), doc);
    }

    void remove(String id) {
        docs.remove(id);
    }

    Doc get(String id) {
        return docs.get(id);
    }

    int size() {
        return docs.size();
    }

    List<String> ids() {
        return new ArrayList<>(docs.keySet());
    }

    float score(float[] query, String id) {
        return similarity.compare(query, docs.get(id).vector());
    }

    /** The ids of the exact k best live documents that pass the filter, best first. */
    List<String> exactTopK(float[] query, int k, Predicate<Doc> filter) {
        return docs.values().stream()
                .filter(filter)
                .sorted(Comparator.comparingDouble((Doc d) -> -similarity.compare(query, d.vector()))
                        .thenComparing(Doc::id))
                .limit(k)
                .map(Doc::id)
                .toList();
    }

    /** Clustered vectors: a few random centres with Gaussian noise, closer to real embeddings than uniform noise. */
    static final class Generator {
        private final Random random;
        private final float[][] centres;
        private final boolean unitLength;

        Generator(Random random, int dimension, int centreCount, boolean unitLength) {
            this.random = random;
            this.unitLength = unitLength;
            this.centres = new float[centreCount][dimension];
            for (float[] centre : centres) {
                for (int i = 0; i < dimension; i++) {
                    centre[i] = (float) (random.nextGaussian() * 2);
                }
            }
        }

        float[] next() {
            float[] centre = centres[random.nextInt(centres.length)];
            float[] v = new float[centre.length];
            for (int i = 0; i < v.length; i++) {
                v[i] = centre[i] + (float) random.nextGaussian();
            }
            if (unitLength) {
                double norm = 0;
                for (float x : v) {
                    norm += (double) x * x;
                }
                float scale = (float) (1 / Math.sqrt(norm));
                for (int i = 0; i < v.length; i++) {
                    v[i] *= scale;
                }
            }
            return v;
        }
    }
}
