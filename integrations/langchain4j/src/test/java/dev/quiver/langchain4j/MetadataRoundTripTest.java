package dev.quiver.langchain4j;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.filter.comparison.ContainsString;
import dev.langchain4j.store.embedding.filter.comparison.IsEqualTo;
import dev.quiver.Database;
import dev.quiver.Metric;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Segment text and metadata types survive the store, a close and a reopen. */
class MetadataRoundTripTest {

    @TempDir
    Path dir;

    private static Metadata everyType() {
        return new Metadata()
                .put("string", "héllo \"world\" \u2603")
                .put("emptyString", "")
                .put("uuid", UUID.fromString("123e4567-e89b-42d3-a456-426614174000"))
                .put("int", Integer.MIN_VALUE)
                .put("intMax", Integer.MAX_VALUE)
                .put("long", 1746714878034235396L)
                .put("longMin", Long.MIN_VALUE)
                .put("float", 1.1f)
                .put("floatTiny", Float.MIN_VALUE)
                .put("floatMax", Float.MAX_VALUE)
                .put("floatThird", 1f / 3)
                .put("double", 0.1 + 0.2)
                .put("doubleMin", Double.MIN_VALUE)
                .put("doubleWhole", 3.0)
                .put("intLooksLikeDouble", 3);
    }

    private static void assertSameTypedMetadata(Metadata expected, Metadata actual) {
        assertEquals(expected, actual);
        for (Map.Entry<String, Object> e : expected.toMap().entrySet()) {
            Object got = actual.toMap().get(e.getKey());
            assertEquals(e.getValue().getClass(), got.getClass(), "type of " + e.getKey());
            assertEquals(e.getValue(), got, "value of " + e.getKey());
        }
    }

    @Test
    void codecRoundTripsEveryType() {
        TextSegment segment = TextSegment.from("some text", everyType());
        Map<String, Object> stored = MetadataCodec.encode(segment);
        assertEquals("some text", stored.get(MetadataCodec.TEXT_KEY));
        assertInstanceOf(String.class, stored.get("uuid"), "a UUID is stored as its text, for filters");
        TextSegment back = MetadataCodec.decode(stored);
        assertEquals(segment.text(), back.text());
        assertSameTypedMetadata(segment.metadata(), back.metadata());
        assertNull(MetadataCodec.decode(null));
        assertNull(MetadataCodec.encode(null));
    }

    @Test
    void randomFloatsAndDoublesRoundTripExactlyThroughTheDatabase() {
        long seed = 4242L;
        Random rnd = new Random(seed);
        try (QuiverEmbeddingStore store = QuiverEmbeddingStore.builder()
                .path(dir.resolve("floats")).dimension(3).build()) {
            for (int i = 0; i < 300; i++) {
                float f = Float.intBitsToFloat(rnd.nextInt());
                double d = Double.longBitsToDouble(rnd.nextLong());
                if (!Float.isFinite(f) || !Double.isFinite(d)) {
                    continue;
                }
                Metadata m = new Metadata().put("f", f).put("d", d).put("l", rnd.nextLong()).put("i", rnd.nextInt());
                store.add("x" + i, Embedding.from(new float[] {1, 2, 3}));
                store.addAll(List.of("x" + i), List.of(Embedding.from(new float[] {1, 2, 3})),
                        List.of(TextSegment.from("t", m)));
                Map<String, Object> stored = store.database().get("x" + i).metadata();
                assertSameTypedMetadata(m, MetadataCodec.metadata(stored));
            }
        }
    }

    @Test
    void reservedKeysAreRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> MetadataCodec.encode(TextSegment.from("t", Metadata.from(MetadataCodec.TEXT_KEY, "x"))));
        assertThrows(IllegalArgumentException.class,
                () -> MetadataCodec.encode(TextSegment.from("t", Metadata.from(MetadataCodec.TYPES_KEY, "x"))));
    }

    @Test
    void segmentsSurviveCloseAndReopen() {
        Path path = dir.resolve("persist");
        float[] v1 = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f};
        float[] v2 = {-0.5f, 0.4f, -0.3f, 0.2f, -0.1f};
        TextSegment s1 = TextSegment.from("first", everyType());
        String id1;
        String id2;
        try (QuiverEmbeddingStore store = QuiverEmbeddingStore.builder()
                .path(path).dimension(5).metric(Metric.DOT_PRODUCT).build()) {
            id1 = store.add(Embedding.from(v1), s1);
            id2 = store.add(Embedding.from(v2));
            UUID.fromString(id1); // generated ids are UUID strings
        }
        // Reopened without dimension or metric: both come from disk.
        try (QuiverEmbeddingStore store = QuiverEmbeddingStore.builder().path(path).build()) {
            assertEquals(Metric.DOT_PRODUCT, store.database().metric());
            List<EmbeddingMatch<TextSegment>> matches = store.search(EmbeddingSearchRequest.builder()
                    .queryEmbedding(Embedding.from(v1)).maxResults(10).build()).matches();
            assertEquals(List.of(id1, id2), matches.stream().map(EmbeddingMatch::embeddingId).toList());
            assertEquals("first", matches.getFirst().embedded().text());
            assertSameTypedMetadata(s1.metadata(), matches.getFirst().embedded().metadata());
            assertArrayEquals(v1, matches.getFirst().embedding().vector());
            assertNull(matches.get(1).embedded());
            // Filters still use the index after reopening, including the evaluated ones.
            assertEquals(List.of(id1), store.search(EmbeddingSearchRequest.builder().queryEmbedding(Embedding.from(v2))
                    .maxResults(10).filter(new IsEqualTo("long", 1746714878034235396L)).build())
                    .matches().stream().map(EmbeddingMatch::embeddingId).toList());
            assertEquals(List.of(id1), store.search(EmbeddingSearchRequest.builder().queryEmbedding(Embedding.from(v2))
                    .maxResults(10).filter(new ContainsString("string", "world")).build())
                    .matches().stream().map(EmbeddingMatch::embeddingId).toList());
        }
    }

    @Test
    void aStoreOnACallersDatabaseLeavesItOpen() {
        try (Database db = Database.open(dir.resolve("shared"), dev.quiver.Config.dim(2))) {
            try (QuiverEmbeddingStore store = QuiverEmbeddingStore.from(db)) {
                store.add("a", Embedding.from(new float[] {1, 0}));
            }
            assertEquals(1, db.size());
        }
    }
}
