package dev.quiver.springai;

import dev.quiver.Metric;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.ai.document.Document;
import org.springframework.ai.document.DocumentMetadata;
import org.springframework.ai.embedding.Embedding;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.EmbeddingRequest;
import org.springframework.ai.embedding.EmbeddingResponse;
import org.springframework.ai.vectorstore.SearchRequest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Similarity thresholds and scores per metric against a brute-force reference computed in double precision: every
 * result reaches the threshold, every record that reaches it by more than float rounding is returned (up to topK),
 * the order is most similar first, and each score and {@code distance} is the one the metric defines.
 */
class SimilarityThresholdTest {

    private static final int RECORDS = 150;
    private static final double ROUNDING = 1e-4;

    @TempDir
    Path dir;

    /** Texts "v0", "v1", ... embed as fixed vectors; anything else as the query vector set by the test. */
    static final class TableEmbeddingModel implements EmbeddingModel {
        final Map<String, float[]> table = new HashMap<>();
        final int dim;

        TableEmbeddingModel(int dim) {
            this.dim = dim;
        }

        @Override
        public EmbeddingResponse call(EmbeddingRequest request) {
            List<Embedding> out = new ArrayList<>();
            for (int i = 0; i < request.getInstructions().size(); i++) {
                out.add(new Embedding(table.get(request.getInstructions().get(i)).clone(), i));
            }
            return new EmbeddingResponse(out);
        }

        @Override
        public float[] embed(Document document) {
            return table.get(document.getText()).clone();
        }

        @Override
        public int dimensions() {
            return dim;
        }
    }

    static Stream<Arguments> metricsAndDimensions() {
        List<Arguments> out = new ArrayList<>();
        for (Metric metric : Metric.values()) {
            for (int dim : new int[] {1, 3, 17, 33}) {
                out.add(Arguments.of(metric, dim));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}, dim {1}")
    @MethodSource("metricsAndDimensions")
    void thresholdKeepsExactlyTheRecordsThatReachIt(Metric metric, int dim) {
        long seed = Long.getLong("quiver.seed", System.nanoTime()); // -Dquiver.seed=N replays a failure
        Random rnd = new Random(seed);
        TableEmbeddingModel model = new TableEmbeddingModel(dim);
        List<Document> docs = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            model.table.put("v" + i, vector(rnd, dim, metric));
            docs.add(new Document("id" + i, "v" + i, Map.of("i", i)));
        }
        try (QuiverVectorStore store = QuiverVectorStore.builder(dir.resolve(metric + "-" + dim), model)
                .metric(metric).build()) {
            store.add(docs);
            for (int q = 0; q < 12; q++) {
                float[] query = vector(rnd, dim, metric);
                model.table.put("query", query);
                double threshold = q == 0 ? 0.0 : q == 1 ? 1.0 : rnd.nextDouble();
                int topK = 1 + rnd.nextInt(RECORDS + 10);
                String where = metric + " dim " + dim + " threshold " + threshold + " topK " + topK + " seed " + seed;

                List<double[]> reference = new ArrayList<>(); // {record, similarity, distance}
                for (int i = 0; i < RECORDS; i++) {
                    double d = distance(metric, query, model.table.get("v" + i));
                    reference.add(new double[] {i, similarity(metric, d), d});
                }
                reference.sort(Comparator.comparingDouble((double[] r) -> -r[1]));

                List<Document> hits = store.similaritySearch(SearchRequest.builder().query("query").topK(topK)
                        .similarityThreshold(threshold).build());

                assertTrue(hits.size() <= topK, where);
                double previous = Double.POSITIVE_INFINITY;
                for (Document hit : hits) {
                    int i = (Integer) hit.getMetadata().get("i");
                    double[] expected = reference.stream().filter(r -> r[0] == i).findFirst().orElseThrow();
                    assertEquals(expected[1], hit.getScore(), ROUNDING, where);
                    assertEquals(expected[2], ((Number) hit.getMetadata().get(DocumentMetadata.DISTANCE.value()))
                            .doubleValue(), ROUNDING * Math.max(1, Math.abs(expected[2])), where);
                    assertTrue(hit.getScore() >= threshold, where + ": " + hit);
                    assertTrue(hit.getScore() <= previous + ROUNDING, where + ": order");
                    previous = hit.getScore();
                }
                // Every record clearly above the threshold is there, up to topK.
                long clearlyIn = reference.stream().filter(r -> r[1] >= threshold + ROUNDING).count();
                assertTrue(hits.size() >= Math.min(topK, clearlyIn), where + ": " + hits.size() + " < "
                        + Math.min(topK, clearlyIn));
                // Nothing clearly below it is.
                long reachable = reference.stream().filter(r -> r[1] >= threshold - ROUNDING).count();
                assertTrue(hits.size() <= reachable, where);
            }
        }
    }

    /** Unit vectors for cosine and dot product (so dot-product similarity spans [0, 1]); any for euclidean. */
    private static float[] vector(Random rnd, int dim, Metric metric) {
        float[] v = new float[dim];
        double norm = 0;
        for (int i = 0; i < dim; i++) {
            v[i] = (float) rnd.nextGaussian();
            norm += (double) v[i] * v[i];
        }
        if (metric != Metric.EUCLIDEAN && norm > 0) {
            for (int i = 0; i < dim; i++) {
                v[i] = (float) (v[i] / Math.sqrt(norm));
            }
        }
        return v;
    }

    private static double distance(Metric metric, float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        double l2 = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
            double diff = (double) a[i] - b[i];
            l2 += diff * diff;
        }
        return switch (metric) {
            case COSINE -> Math.max(0, Math.min(2, 1 - dot / Math.sqrt(na * nb)));
            case DOT_PRODUCT -> -dot;
            case EUCLIDEAN -> l2;
        };
    }

    private static double similarity(Metric metric, double d) {
        return switch (metric) {
            case COSINE -> Math.max(0, Math.min(1, 1 - d / 2));
            case DOT_PRODUCT -> Math.max(0, Math.min(1, (1 - d) / 2));
            case EUCLIDEAN -> 1 / (1 + Math.sqrt(d));
        };
    }
}
