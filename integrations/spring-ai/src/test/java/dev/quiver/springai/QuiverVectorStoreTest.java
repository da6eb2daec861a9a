package dev.quiver.springai;

import dev.quiver.Config;
import dev.quiver.Database;
import dev.quiver.Durability;
import dev.quiver.Metric;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.BatchingStrategy;
import org.springframework.ai.vectorstore.SearchRequest;
import org.springframework.ai.vectorstore.observation.VectorStoreObservationContext;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The store's own contract: round trips, persistence, batching, observations, bad input. */
class QuiverVectorStoreTest {

    @TempDir
    Path dir;

    private static SearchRequest all(String query) {
        return SearchRequest.builder().query(query).topK(100).similarityThresholdAll().build();
    }

    @Test
    void documentsRoundTripWithTheirTypesAcrossReopening() {
        Path path = dir.resolve("kb");
        Map<String, Object> metadata = Map.of("int", 7, "long", 1L << 40, "double", 2.5, "float", 0.1f,
                "bool", true, "text", "BG", "list", List.of("a", "b"), "map", Map.of("k", "v"));
        WordHashingEmbeddingModel model = new WordHashingEmbeddingModel();
        try (QuiverVectorStore store = QuiverVectorStore.builder(path, model).collection("docs")
                .metric(Metric.EUCLIDEAN).m(8).efConstruction(50).durability(Durability.SYNC).build()) {
            store.add(List.of(new Document("one", "quiver stores vectors", metadata),
                    new Document("two", "another passage entirely", Map.of())));
            assertEquals(WordHashingEmbeddingModel.DIMENSIONS, store.database().dim());
            assertEquals(8, store.database().config().m());
        }
        try (QuiverVectorStore store = QuiverVectorStore.builder(path, model).collection("docs")
                .metric(Metric.EUCLIDEAN).build()) {
            List<Document> hits = store.similaritySearch(all("quiver vectors"));
            assertEquals(List.of("one", "two"), hits.stream().map(Document::getId).toList());
            Document one = hits.getFirst();
            assertEquals("quiver stores vectors", one.getText());
            Map<String, Object> read = new java.util.HashMap<>(one.getMetadata());
            assertTrue(read.remove("distance") instanceof Float);
            assertEquals(metadata, read);
            assertEquals(Map.of(), withoutDistance(hits.get(1).getMetadata()));
            assertTrue(one.getScore() > hits.get(1).getScore());
            // Adding an existing id replaces it.
            store.add(List.of(new Document("two", "replaced text", Map.of("v", 2))));
            assertEquals(2, store.database().size());
            assertEquals(Map.of("v", 2), withoutDistance(store.similaritySearch(all("replaced")).getFirst().getMetadata()));
        }
    }

    private static Map<String, Object> withoutDistance(Map<String, Object> metadata) {
        Map<String, Object> copy = new java.util.HashMap<>(metadata);
        copy.remove("distance");
        return copy;
    }

    @Test
    void embeddingFollowsTheBatchingStrategyAndIsWrittenInOneBatch() {
        WordHashingEmbeddingModel model = new WordHashingEmbeddingModel();
        BatchingStrategy pairs = docs -> {
            List<List<Document>> out = new ArrayList<>();
            for (int i = 0; i < docs.size(); i += 2) {
                out.add(docs.subList(i, Math.min(i + 2, docs.size())));
            }
            return out;
        };
        try (QuiverVectorStore store = QuiverVectorStore.builder(dir.resolve("b"), model).dimensions(128)
                .batchingStrategy(pairs).build()) {
            List<Document> docs = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                docs.add(new Document("d" + i, "text number " + i, Map.of("i", i)));
            }
            store.add(docs);
            assertEquals(4, model.calls());
            assertEquals(7, model.textsEmbedded());
            assertEquals(7, store.database().size());
            for (int i = 0; i < 7; i++) {
                assertEquals(i, store.database().get("d" + i).metadata().get("i") instanceof Long l ? l.intValue() : -1);
            }
        }
    }

    @Test
    void badDocumentsChangeNothingAndCostNoEmbedding() {
        WordHashingEmbeddingModel model = new WordHashingEmbeddingModel();
        try (QuiverVectorStore store = QuiverVectorStore.builder(dir.resolve("bad"), model).dimensions(128).build()) {
            store.add(List.of(new Document("keep", "kept text", Map.of())));
            int calls = model.calls();
            IllegalArgumentException reserved = assertThrows(IllegalArgumentException.class,
                    () -> store.add(List.of(new Document("x", "t", Map.of("_content", "no")))));
            assertTrue(reserved.getMessage().contains("_content"), reserved.getMessage());
            assertEquals(calls, model.calls());
            // A value that is not JSON is refused by the database, naming the key; the batch is all or nothing.
            RuntimeException date = assertThrows(RuntimeException.class, () -> store.add(List.of(
                    new Document("y", "fine", Map.of()), new Document("z", "t", Map.of("when", new Date())))));
            assertTrue(date.getMessage().contains("when"), date.getMessage());
            assertEquals(List.of("keep"), store.database().ids());
            assertThrows(IllegalArgumentException.class, () -> store.delete((List<String>) null));
            assertThrows(IllegalArgumentException.class,
                    () -> SearchRequest.builder().query("q").similarityThreshold(1.5).build());
            assertEquals(List.of("keep"), store.database().ids());
        }
    }

    @Test
    void emptyInputsAndTopKZero() {
        WordHashingEmbeddingModel model = new WordHashingEmbeddingModel();
        try (QuiverVectorStore store = QuiverVectorStore.builder(dir.resolve("e"), model).dimensions(128).build()) {
            store.add(List.of());
            store.delete(List.of());
            assertEquals(0, model.calls());
            store.add(List.of(new Document("a", "text", Map.of())));
            assertEquals(List.of(), store.similaritySearch(SearchRequest.builder().query("text").topK(0).build()));
            store.delete(List.of("a", "never-there"));
            assertEquals(0, store.database().size());
            assertEquals(List.of(), store.similaritySearch(all("text")));
        }
    }

    @Test
    void storeOnAnOpenDatabaseGivesItAsNativeClientAndLeavesItOpen() {
        try (Database db = Database.open(dir.resolve("own"), Config.dim(128))) {
            QuiverVectorStore store = QuiverVectorStore.builder(db, new WordHashingEmbeddingModel()).build();
            assertSame(db, store.getNativeClient().orElseThrow());
            assertSame(db, store.database());
            store.add(List.of(new Document("a", "text", Map.of())));
            store.close();
            assertFalse(db.isClosed());
            assertEquals(1, db.size());
            assertThrows(IllegalArgumentException.class,
                    () -> QuiverVectorStore.builder(db, new WordHashingEmbeddingModel()).dimensions(3).build());
        }
    }

    @Test
    void storeOnAPathClosesItsDatabaseAndChecksTheShape() {
        WordHashingEmbeddingModel model = new WordHashingEmbeddingModel();
        QuiverVectorStore store = QuiverVectorStore.builder(dir, model).collection("c").build();
        Database db = store.database();
        store.close();
        assertTrue(db.isClosed());
        // The stored dimension wins over nothing: a different one is a clear error.
        RuntimeException mismatch = assertThrows(RuntimeException.class,
                () -> QuiverVectorStore.builder(dir, model).collection("c").dimensions(64).build());
        assertTrue(mismatch.getMessage().contains("64"), mismatch.getMessage());
        assertThrows(IllegalArgumentException.class, () -> QuiverVectorStore.builder(dir, model).collection("../up"));
    }

    @Test
    void operationsAreObservedAsQuiver() {
        List<VectorStoreObservationContext> seen = new CopyOnWriteArrayList<>();
        ObservationRegistry registry = ObservationRegistry.create();
        registry.observationConfig().observationHandler(new ObservationHandler<>() {
            @Override
            public boolean supportsContext(Observation.Context context) {
                return context instanceof VectorStoreObservationContext;
            }

            @Override
            public void onStop(Observation.Context context) {
                seen.add((VectorStoreObservationContext) context);
            }
        });
        try (QuiverVectorStore store = QuiverVectorStore.builder(dir, new WordHashingEmbeddingModel())
                .collection("obs").metric(Metric.DOT_PRODUCT).observationRegistry(registry).build()) {
            store.add(List.of(new Document("a", "observed text", Map.of("k", "v"))));
            store.similaritySearch(all("observed"));
            store.delete(List.of("a"));
            store.delete("k == 'v'");
        }
        assertEquals(List.of("add", "query", "delete", "delete"),
                seen.stream().map(VectorStoreObservationContext::getOperationName).toList());
        for (VectorStoreObservationContext c : seen) {
            assertEquals("quiver", c.getDatabaseSystem());
            assertEquals("obs", c.getCollectionName());
            assertEquals(128, c.getDimensions());
            assertEquals("dot", c.getSimilarityMetric());
        }
        assertEquals(1, seen.get(1).getQueryResponse().size());
    }
}
