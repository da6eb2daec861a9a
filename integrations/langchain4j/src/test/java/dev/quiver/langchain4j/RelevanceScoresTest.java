package dev.quiver.langchain4j;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.CosineSimilarity;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.RelevanceScore;
import dev.quiver.Metric;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Scores per metric against a brute-force reference, and minScore as a distance bound. */
class RelevanceScoresTest {

    @TempDir
    Path dir;

    /** The reference score of two vectors, computed from the vectors themselves (not from Quiver's distance). */
    static double referenceScore(Metric metric, float[] a, float[] b) {
        double dot = 0;
        double l2 = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            double d = (double) a[i] - b[i];
            l2 += d * d;
        }
        return switch (metric) {
            case COSINE -> RelevanceScore.fromCosineSimilarity(
                    CosineSimilarity.between(Embedding.from(a), Embedding.from(b)));
            case DOT_PRODUCT -> Math.max(0, Math.min(1, (dot + 1) / 2));
            case EUCLIDEAN -> 1 / (1 + Math.sqrt(l2));
        };
    }

    static float[] randomVector(Random rnd, int dim) {
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = (float) rnd.nextGaussian() * 0.3f;
        }
        return v;
    }

    @ParameterizedTest
    @EnumSource(Metric.class)
    void scoresMatchTheReferenceAndComeBestFirst(Metric metric) {
        for (int dim : new int[] {1, 3, 7, 17, 33, 100}) {
            long seed = 31L * dim + metric.ordinal();
            Random rnd = new Random(seed);
            try (QuiverEmbeddingStore store = QuiverEmbeddingStore.builder()
                    .path(dir.resolve(metric + "-" + dim)).dimension(dim).metric(metric).build()) {
                List<float[]> vectors = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    float[] v = randomVector(rnd, dim);
                    vectors.add(v);
                    store.add("v" + i, Embedding.from(v));
                }
                float[] q = randomVector(rnd, dim);
                List<EmbeddingMatch<TextSegment>> matches = store.search(EmbeddingSearchRequest.builder()
                        .queryEmbedding(Embedding.from(q)).maxResults(40).minScore(0.0)
                        .build()).matches();
                assertEquals(40, matches.size(), "seed " + seed);
                for (int i = 0; i < matches.size(); i++) {
                    EmbeddingMatch<TextSegment> m = matches.get(i);
                    float[] v = vectors.get(Integer.parseInt(m.embeddingId().substring(1)));
                    assertEquals(referenceScore(metric, q, v), m.score(), 1e-4,
                            "metric " + metric + " dim " + dim + " seed " + seed + " id " + m.embeddingId());
                    if (i > 0) {
                        assertTrue(matches.get(i - 1).score() >= m.score(), "best first, seed " + seed);
                    }
                }
            }
        }
    }

    /** minScore keeps exactly the records scoring at least minScore, whatever maxResults allows. */
    @ParameterizedTest
    @EnumSource(Metric.class)
    void minScoreKeepsExactlyTheQualifyingRecords(Metric metric) {
        long seed = 7 + metric.ordinal();
        Random rnd = new Random(seed);
        int dim = 15;
        try (QuiverEmbeddingStore store = QuiverEmbeddingStore.builder()
                .path(dir.resolve("min-" + metric)).dimension(dim).metric(metric).build()) {
            for (int i = 0; i < 200; i++) {
                store.add("v" + i, Embedding.from(randomVector(rnd, dim)));
            }
            float[] q = randomVector(rnd, dim);
            List<EmbeddingMatch<TextSegment>> all = store.search(EmbeddingSearchRequest.builder()
                    .queryEmbedding(Embedding.from(q)).maxResults(200).minScore(0.0)
                    .build()).matches();
            List<Double> sorted = all.stream().map(EmbeddingMatch::score).sorted(Comparator.reverseOrder()).toList();
            for (int cut : new int[] {0, 1, 17, 120, 199}) {
                double minScore = sorted.get(cut); // exactly the score of the record at rank cut
                List<EmbeddingMatch<TextSegment>> kept = store.search(EmbeddingSearchRequest.builder()
                        .queryEmbedding(Embedding.from(q)).maxResults(200).minScore(minScore).build()).matches();
                long expected = sorted.stream().filter(s -> s >= minScore).count();
                assertEquals(expected, kept.size(), "metric " + metric + " cut " + cut + " seed " + seed);
                kept.forEach(m -> assertTrue(m.score() >= minScore, "seed " + seed));
            }
        }
    }

    @Test
    void distanceBoundsPerMetric() {
        RelevanceScores cosine = new RelevanceScores(Metric.COSINE);
        assertNull(cosine.maxDistance(0.0), "every cosine score is >= 0");
        assertEquals(1.0f, cosine.maxDistance(0.5));
        assertEquals(0.0f, cosine.maxDistance(1.0));
        assertEquals(1.0, cosine.score(0f));
        assertEquals(0.5, cosine.score(1f));
        assertEquals(0.0, cosine.score(2f));

        RelevanceScores dot = new RelevanceScores(Metric.DOT_PRODUCT);
        assertEquals(1.0, dot.score(-1f)); // dot = 1
        assertEquals(0.0, dot.score(1f));  // dot = -1
        assertEquals(0.75, dot.score(-0.5f));
        assertEquals(1.0, dot.score(-7f), "saturates at 1");
        assertEquals(0.0, dot.score(7f), "saturates at 0");
        assertEquals(-1.0f, dot.maxDistance(1.0));
        assertEquals(0.0f, dot.maxDistance(0.5));
        assertNull(dot.maxDistance(0.0), "every clamped score is >= 0");

        RelevanceScores l2 = new RelevanceScores(Metric.EUCLIDEAN);
        assertEquals(1.0, l2.score(0f));
        assertEquals(0.5, l2.score(1f));
        assertEquals(1.0 / 3, l2.score(4f), 1e-12);
        assertNull(l2.maxDistance(0.0));
        assertEquals(1.0f, l2.maxDistance(0.5));
        assertEquals(0.0f, l2.maxDistance(1.0));
        assertTrue(l2.maxDistance(1.5) < 0, "a score above 1 is reached by no distance");
    }

    /** The float bound never cuts a distance whose double score reaches minScore. */
    @ParameterizedTest
    @EnumSource(Metric.class)
    void boundIsInclusiveUnderFloatRounding(Metric metric) {
        RelevanceScores scores = new RelevanceScores(metric);
        long seed = 99 + metric.ordinal();
        Random rnd = new Random(seed);
        for (int i = 0; i < 100_000; i++) {
            float d = metric == Metric.DOT_PRODUCT ? (float) (rnd.nextDouble() * 20 - 10) : (float) (rnd.nextDouble() * 4);
            double s = scores.score(d);
            Float bound = scores.maxDistance(s);
            assertTrue(bound == null || d <= bound, "metric " + metric + " d " + d + " bound " + bound + " seed " + seed);
        }
    }
}
