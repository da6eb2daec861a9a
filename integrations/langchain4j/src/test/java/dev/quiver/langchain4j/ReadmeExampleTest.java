package dev.quiver.langchain4j;

import dev.langchain4j.data.document.Document;
import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.langchain4j.rag.content.retriever.EmbeddingStoreContentRetriever;
import dev.langchain4j.rag.query.Query;
import dev.langchain4j.store.embedding.EmbeddingStoreIngestor;
import dev.quiver.Metric;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static dev.langchain4j.store.embedding.filter.MetadataFilterBuilder.metadataKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The LangChain4j example of the README: ingest documents, then retrieve what answers a question. */
class ReadmeExampleTest {

    @TempDir
    Path dir;

    @Test
    void ingestThenAsk() {
        EmbeddingModel model = SharedModel.get(); // new AllMiniLmL6V2QuantizedEmbeddingModel() in the README
        Path path = dir.resolve("kb");            // Path.of("kb") in the README

        // --- README example starts here ---
        try (QuiverEmbeddingStore store = QuiverEmbeddingStore.builder()
                .path(path).dimension(384).metric(Metric.COSINE).build()) {

            EmbeddingStoreIngestor.builder().embeddingModel(model).embeddingStore(store).build().ingest(List.of(
                    Document.from("The Eiffel Tower is a wrought-iron tower in Paris, completed in 1889.",
                            Metadata.from("topic", "landmarks").put("year", 1889)),
                    Document.from("Photosynthesis turns sunlight, water and carbon dioxide into sugar and oxygen.",
                            Metadata.from("topic", "biology")),
                    Document.from("The Great Wall of China stretches for thousands of kilometres.",
                            Metadata.from("topic", "landmarks").put("year", -700)),
                    Document.from("Mitochondria produce most of the chemical energy a cell needs.",
                            Metadata.from("topic", "biology"))));

            ContentRetriever retriever = EmbeddingStoreContentRetriever.builder()
                    .embeddingStore(store).embeddingModel(model)
                    .maxResults(2).minScore(0.6)
                    .filter(metadataKey("topic").isEqualTo("landmarks"))
                    .build();

            List<Content> answer = retriever.retrieve(Query.from("Which famous tower stands in Paris?"));
            // answer.get(0).textSegment().text() -> "The Eiffel Tower is a wrought-iron tower in Paris, ..."
            // --- README example ends here ---

            assertTrue(!answer.isEmpty() && answer.size() <= 2, "answer " + answer);
            assertTrue(answer.getFirst().textSegment().text().startsWith("The Eiffel Tower"), "answer " + answer);
            assertEquals(1889, answer.getFirst().textSegment().metadata().getInteger("year"));
            answer.forEach(c -> assertEquals("landmarks", c.textSegment().metadata().getString("topic")));
        }
        // Reopened later: the knowledge base is still there.
        try (QuiverEmbeddingStore store = QuiverEmbeddingStore.builder().path(path).build()) {
            assertEquals(4, store.database().size());
        }
    }
}
