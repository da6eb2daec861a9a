package dev.quiver.langchain4j;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.filter.Filter;
import dev.langchain4j.store.embedding.filter.comparison.ContainsString;
import dev.langchain4j.store.embedding.filter.comparison.IsEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsGreaterThan;
import dev.langchain4j.store.embedding.filter.comparison.IsGreaterThanOrEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsIn;
import dev.langchain4j.store.embedding.filter.comparison.IsLessThan;
import dev.langchain4j.store.embedding.filter.comparison.IsLessThanOrEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsNotEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsNotIn;
import dev.langchain4j.store.embedding.filter.logical.And;
import dev.langchain4j.store.embedding.filter.logical.Not;
import dev.langchain4j.store.embedding.filter.logical.Or;
import dev.quiver.Metric;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each LangChain4j operator's Quiver translation, and a model test of filtered search against Filter.test. */
class FilterTranslatorTest {

    @TempDir
    Path dir;

    private static void assertTranslation(Filter lc4j, dev.quiver.Filter expected, boolean exact) {
        FilterTranslator.Translation t = FilterTranslator.translate(lc4j);
        assertEquals(expected, t.filter(), lc4j.toString());
        assertEquals(exact, t.exact(), lc4j + " exactness");
    }

    @Test
    void comparisonsTranslateToNativeQuiverFilters() {
        UUID uuid = UUID.fromString("8f9d4c3e-1b2a-4c5d-9e8f-0a1b2c3d4e5f");
        assertTranslation(new IsEqualTo("k", "a"), dev.quiver.Filter.eq("k", "a"), true);
        assertTranslation(new IsEqualTo("k", 7), dev.quiver.Filter.eq("k", 7L), true);
        assertTranslation(new IsEqualTo("k", 1.1f), dev.quiver.Filter.eq("k", 1.1d), true);
        assertTranslation(new IsEqualTo("k", uuid), dev.quiver.Filter.eq("k", uuid.toString()), true);
        assertTranslation(new IsNotEqualTo("k", 2L), dev.quiver.Filter.ne("k", 2L), true);
        assertTranslation(new IsIn("k", List.of("a", "b")), dev.quiver.Filter.in("k", "a", "b"), true);
        assertTranslation(new IsIn("k", List.of(uuid)), dev.quiver.Filter.in("k", uuid.toString()), true);
        assertTranslation(new IsNotIn("k", List.of(1, 2)), dev.quiver.Filter.nin("k", 1L, 2L), true);
        assertTranslation(new IsGreaterThan("k", 1.1f), dev.quiver.Filter.gt("k", 1.1d), true);
        assertTranslation(new IsGreaterThanOrEqualTo("k", 3), dev.quiver.Filter.gte("k", 3), true);
        assertTranslation(new IsLessThan("k", 2.5d), dev.quiver.Filter.lt("k", 2.5d), true);
        assertTranslation(new IsLessThanOrEqualTo("k", 9L), dev.quiver.Filter.lte("k", 9L), true);
    }

    @Test
    void whatQuiverCannotSayBecomesASuperset() {
        assertTranslation(new ContainsString("k", "ab"), dev.quiver.Filter.exists("k"), false);
        assertTranslation(new IsGreaterThan("k", "b"), dev.quiver.Filter.exists("k"), false);
        assertTranslation(new IsLessThanOrEqualTo("k", "b"), dev.quiver.Filter.exists("k"), false);
        assertTranslation(new IsLessThan("k", Long.MAX_VALUE - 1), dev.quiver.Filter.exists("k"), false);
        assertTranslation(new Not(new ContainsString("k", "ab")), dev.quiver.Filter.all(), false);
    }

    @Test
    void logicalOperatorsNest() {
        Filter f = new And(new IsEqualTo("a", "x"), new Or(new IsGreaterThan("n", 3), new Not(new IsIn("c", List.of("p")))));
        assertTranslation(f, dev.quiver.Filter.and(dev.quiver.Filter.eq("a", "x"), dev.quiver.Filter.or(
                dev.quiver.Filter.gt("n", 3), dev.quiver.Filter.not(dev.quiver.Filter.in("c", "p")))), true);
        Filter mixed = new Or(new IsEqualTo("a", "x"), new ContainsString("t", "y"));
        assertTranslation(mixed, dev.quiver.Filter.or(dev.quiver.Filter.eq("a", "x"), dev.quiver.Filter.exists("t")), false);
        Filter notMixed = new Not(new And(new IsEqualTo("a", "x"), new ContainsString("t", "y")));
        assertTranslation(notMixed, dev.quiver.Filter.all(), false);
    }

    // ------------------------------------------------------------------ model test against LangChain4j's Filter.test

    private static final String[] WORDS = {"alpha", "beta", "gamma", "alphabet", "bet", "a", "b", "c"};

    private static Metadata randomMetadata(Random rnd) {
        Metadata m = new Metadata();
        if (rnd.nextInt(5) > 0) {
            m.put("s", WORDS[rnd.nextInt(WORDS.length)]);
        }
        if (rnd.nextInt(5) > 0) {
            switch (rnd.nextInt(4)) {
                case 0 -> m.put("n", rnd.nextInt(7) - 3);
                case 1 -> m.put("n", (long) (rnd.nextInt(7) - 3));
                case 2 -> m.put("n", (rnd.nextInt(13) - 6) / 2f);
                default -> m.put("n", (rnd.nextInt(13) - 6) / 2d);
            }
        }
        if (rnd.nextInt(3) == 0) {
            m.put("u", rnd.nextBoolean() ? U1 : U2);
        }
        return m;
    }

    private static final UUID U1 = UUID.fromString("00000000-0000-4000-8000-000000000001");
    private static final UUID U2 = UUID.fromString("00000000-0000-4000-8000-000000000002");

    private static Object randomNumber(Random rnd) {
        return switch (rnd.nextInt(4)) {
            case 0 -> rnd.nextInt(7) - 3;
            case 1 -> (long) (rnd.nextInt(7) - 3);
            case 2 -> (rnd.nextInt(13) - 6) / 2f;
            default -> (rnd.nextInt(13) - 6) / 2d;
        };
    }

    private static Filter randomLeaf(Random rnd) {
        String w = WORDS[rnd.nextInt(WORDS.length)];
        Object n = randomNumber(rnd);
        return switch (rnd.nextInt(14)) {
            case 0 -> new IsEqualTo("s", w);
            case 1 -> new IsEqualTo("n", n);
            case 2 -> new IsNotEqualTo("s", w);
            case 3 -> new IsNotEqualTo("n", n);
            case 4 -> new IsIn("s", List.of(w, WORDS[rnd.nextInt(WORDS.length)]));
            case 5 -> new IsNotIn("n", List.of(n, randomNumber(rnd)));
            case 6 -> new IsGreaterThan("n", (Comparable<?>) n);
            case 7 -> new IsGreaterThanOrEqualTo("n", (Comparable<?>) n);
            case 8 -> new IsLessThan("n", (Comparable<?>) n);
            case 9 -> new IsLessThanOrEqualTo("s", w);
            case 10 -> new IsGreaterThan("s", w);
            case 11 -> new ContainsString("s", w.substring(0, 1 + rnd.nextInt(w.length())));
            case 12 -> new IsEqualTo("u", rnd.nextBoolean() ? U1 : U2);
            default -> new IsNotIn("u", List.of(U1));
        };
    }

    private static Filter randomFilter(Random rnd, int depth) {
        if (depth == 0 || rnd.nextInt(3) == 0) {
            return randomLeaf(rnd);
        }
        return switch (rnd.nextInt(3)) {
            case 0 -> new And(randomFilter(rnd, depth - 1), randomFilter(rnd, depth - 1));
            case 1 -> new Or(randomFilter(rnd, depth - 1), randomFilter(rnd, depth - 1));
            default -> new Not(randomFilter(rnd, depth - 1));
        };
    }

    /**
     * Random records and random nested filters: the store's filtered search returns exactly the records LangChain4j's
     * own {@code Filter.test} accepts (all of them with a large maxResults; the nearest ones with a small one).
     */
    @Test
    void filteredSearchAgreesWithLangChain4jFilterTest() {
        long seed = 20261124L;
        Random rnd = new Random(seed);
        int dim = 7;
        try (QuiverEmbeddingStore store = QuiverEmbeddingStore.builder()
                .path(dir.resolve("model")).dimension(dim).metric(Metric.EUCLIDEAN).build()) {
            List<String> ids = new ArrayList<>();
            List<Metadata> metas = new ArrayList<>();
            List<float[]> vectors = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                float[] v = RelevanceScoresTest.randomVector(rnd, dim);
                Metadata m = randomMetadata(rnd);
                String id = "r" + i;
                // One record in ten has no segment at all: for filters it has empty metadata.
                if (i % 10 == 0) {
                    store.add(id, Embedding.from(v));
                    m = new Metadata();
                } else {
                    store.addAll(List.of(id), List.of(Embedding.from(v)), List.of(TextSegment.from("t" + i, m)));
                }
                ids.add(id);
                metas.add(m);
                vectors.add(v);
            }
            float[] q = RelevanceScoresTest.randomVector(rnd, dim);
            for (int round = 0; round < 150; round++) {
                Filter filter = randomFilter(rnd, 3);
                Set<String> expected = new TreeSet<>();
                for (int i = 0; i < ids.size(); i++) {
                    if (testOrFalse(filter, metas.get(i))) {
                        expected.add(ids.get(i));
                    }
                }
                List<EmbeddingMatch<TextSegment>> all = store.search(EmbeddingSearchRequest.builder()
                        .queryEmbedding(Embedding.from(q)).maxResults(1000).filter(filter).build()).matches();
                Set<String> got = all.stream().map(EmbeddingMatch::embeddingId).collect(Collectors.toCollection(TreeSet::new));
                assertEquals(expected, got, "filter " + filter + " seed " + seed + " round " + round);

                // With a small maxResults: the nearest matching records, as many as exist up to 5.
                List<String> nearest = expected.stream()
                        .sorted((a, b) -> Double.compare(sqDist(q, vectors.get(idx(a))), sqDist(q, vectors.get(idx(b)))))
                        .limit(5).toList();
                List<String> top = store.search(EmbeddingSearchRequest.builder()
                        .queryEmbedding(Embedding.from(q)).maxResults(5).filter(filter).build()).matches()
                        .stream().map(EmbeddingMatch::embeddingId).toList();
                assertEquals(nearest, top, "filter " + filter + " seed " + seed + " round " + round);
            }
        }
    }

    /**
     * Past 2^53 a double no longer holds every long: bounds there (longs and doubles, against stored longs and
     * doubles) must still give what LangChain4j's own {@code Filter.test} gives.
     */
    @Test
    void boundsPastTwoToThe53AgreeWithLangChain4jFilterTest() {
        long big = 1L << 60;
        List<Object> stored = List.of(big - 2, big, big + 2, (double) big, (double) big * 2, -big - 2, 3L, 2.5d);
        List<Object> bounds = List.of(big, big + 2, (double) big, (double) (big + 2), -(double) big, (float) big,
                (double) (1L << 53) + 2, 9.007199254740993E15);
        try (QuiverEmbeddingStore store = QuiverEmbeddingStore.builder()
                .path(dir.resolve("big")).dimension(2).metric(Metric.EUCLIDEAN).build()) {
            List<Metadata> metas = new ArrayList<>();
            for (int i = 0; i < stored.size(); i++) {
                Metadata m = new Metadata();
                Object v = stored.get(i);
                if (v instanceof Long l) {
                    m.put("n", l);
                } else {
                    m.put("n", (Double) v);
                }
                metas.add(m);
                store.addAll(List.of("r" + i), List.of(Embedding.from(new float[] {i, 1})),
                        List.of(TextSegment.from("t" + i, m)));
            }
            for (Object bound : bounds) {
                Comparable<?> b = (Comparable<?>) bound;
                for (Filter filter : List.of(new IsGreaterThan("n", b), new IsGreaterThanOrEqualTo("n", b),
                        new IsLessThan("n", b), new IsLessThanOrEqualTo("n", b), new IsEqualTo("n", b),
                        new IsNotEqualTo("n", b), new IsIn("n", List.of(b)), new IsNotIn("n", List.of(b)))) {
                    Set<String> expected = new TreeSet<>();
                    for (int i = 0; i < metas.size(); i++) {
                        if (testOrFalse(filter, metas.get(i))) {
                            expected.add("r" + i);
                        }
                    }
                    Set<String> got = store.search(EmbeddingSearchRequest.builder()
                                    .queryEmbedding(Embedding.from(new float[] {0, 1})).maxResults(100).filter(filter)
                                    .build()).matches().stream().map(EmbeddingMatch::embeddingId)
                            .collect(Collectors.toCollection(TreeSet::new));
                    assertEquals(expected, got, "filter " + filter + " (bound " + bound.getClass().getSimpleName()
                            + ")");
                }
            }
        }
    }

    /** removeAll(filter) removes exactly the records LangChain4j's Filter.test accepts, nothing else. */
    @Test
    void removeAllByRandomFilterAgreesWithLangChain4jFilterTest() {
        long seed = 77L;
        Random rnd = new Random(seed);
        try (QuiverEmbeddingStore store = QuiverEmbeddingStore.builder()
                .path(dir.resolve("rm")).dimension(3).metric(Metric.COSINE).build()) {
            for (int round = 0; round < 12; round++) {
                store.removeAll();
                List<String> expectedLeft = new ArrayList<>();
                Filter filter = randomFilter(rnd, 3);
                List<String> ids = new ArrayList<>();
                List<Embedding> embeddings = new ArrayList<>();
                List<TextSegment> segments = new ArrayList<>();
                for (int i = 0; i < 120; i++) {
                    Metadata m = randomMetadata(rnd);
                    ids.add("r" + i);
                    embeddings.add(Embedding.from(RelevanceScoresTest.randomVector(rnd, 3)));
                    segments.add(TextSegment.from("t", m));
                    if (!testOrFalse(filter, m)) {
                        expectedLeft.add("r" + i);
                    }
                }
                store.addAll(ids, embeddings, segments);
                store.removeAll(filter);
                assertEquals(expectedLeft, store.database().ids(), "filter " + filter + " seed " + seed + " round " + round);
            }
        }
    }

    /** LangChain4j's test throws on incomparable types (a string against a number); such a record does not match. */
    private static boolean testOrFalse(Filter filter, Metadata m) {
        try {
            return filter.test(m);
        } catch (IllegalArgumentException typeMismatch) {
            return false;
        }
    }

    private static int idx(String id) {
        return Integer.parseInt(id.substring(1));
    }

    private static double sqDist(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (double) a[i] - b[i];
            s += d * d;
        }
        return s;
    }

    @Test
    void removeAllByFilterRemovesExactlyTheMatches() {
        try (QuiverEmbeddingStore store = QuiverEmbeddingStore.builder()
                .path(dir.resolve("remove")).dimension(3).build()) {
            store.addAll(List.of("a", "b", "c", "d"),
                    List.of(Embedding.from(new float[] {1, 0, 0}), Embedding.from(new float[] {0, 1, 0}),
                            Embedding.from(new float[] {0, 0, 1}), Embedding.from(new float[] {1, 1, 0})),
                    List.of(TextSegment.from("apple pie", Metadata.from("kind", "food")),
                            TextSegment.from("apple inc", Metadata.from("kind", "company")),
                            TextSegment.from("pear", Metadata.from("kind", "food")),
                            TextSegment.from("banana", new Metadata())));
            store.removeAll(new And(new IsEqualTo("kind", "food"), new Not(new ContainsString("kind", "x"))));
            assertEquals(List.of("b", "d"), store.database().ids());
            store.removeAll(new ContainsString("kind", "comp"));
            assertEquals(List.of("d"), store.database().ids());
            store.removeAll(new IsEqualTo("kind", "nothing"));
            assertEquals(List.of("d"), store.database().ids());
            store.removeAll();
            assertFalse(store.database().contains("d"));
            assertTrue(store.database().ids().isEmpty());
        }
    }

    @Test
    void theStoresReservedKeysAreNotMetadataAndCannotBeFiltered() {
        // "_text" and "_types" hold the segment text and the value types; a segment's metadata cannot use them (add
        // refuses them), so a filter on them must not reach the stored text or types either.
        try (QuiverEmbeddingStore store = QuiverEmbeddingStore.builder()
                .path(dir.resolve("reserved")).dimension(2).build()) {
            store.addAll(List.of("a", "b"), List.of(Embedding.from(new float[] {1, 0}), Embedding.from(new float[] {0, 1})),
                    List.of(TextSegment.from("hello"), TextSegment.from("world", new Metadata().put("n", 1))));
            Embedding query = Embedding.from(new float[] {1, 1});
            for (Filter filter : List.<Filter>of(new IsEqualTo("_text", "hello"), new IsNotEqualTo("_text", "hello"),
                    new IsIn("_types", List.of("x")), new IsGreaterThan("_text", 1),
                    new Or(new IsEqualTo("n", 1), new Not(new IsNotIn("_text", List.of("world")))))) {
                IllegalArgumentException search = assertThrows(IllegalArgumentException.class, () -> store.search(
                        EmbeddingSearchRequest.builder().queryEmbedding(query).maxResults(5).filter(filter).build()),
                        filter.toString());
                assertTrue(search.getMessage().contains("reserved"), search.getMessage());
                assertThrows(IllegalArgumentException.class, () -> store.removeAll(filter), filter.toString());
            }
            assertEquals(List.of("a", "b"), store.database().ids());
        }
    }
}
