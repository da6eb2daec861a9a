package dev.quiver.springai.autoconfigure.example;

import org.springframework.ai.document.Document;
import org.springframework.ai.vectorstore.SearchRequest;
import org.springframework.ai.vectorstore.VectorStore;
import org.springframework.stereotype.Service;

import java.util.List;
import java.util.Map;

/** The README's service: ingests documents, then answers a question through the auto-configured VectorStore. */
@Service
public class KnowledgeBase {

    private final VectorStore vectorStore;

    public KnowledgeBase(VectorStore vectorStore) {
        this.vectorStore = vectorStore;
    }

    public void ingest() {
        vectorStore.add(List.of(
                new Document("eiffel", "The Eiffel Tower is a wrought-iron tower in Paris, completed in 1889.",
                        Map.of("topic", "landmarks", "year", 1889)),
                new Document("photosynthesis",
                        "Photosynthesis turns sunlight, water and carbon dioxide into sugar and oxygen.",
                        Map.of("topic", "biology")),
                new Document("great-wall", "The Great Wall of China stretches for thousands of kilometres.",
                        Map.of("topic", "landmarks", "year", -700)),
                new Document("mitochondria", "Mitochondria produce most of the chemical energy a cell needs.",
                        Map.of("topic", "biology"))));
    }

    public List<Document> answer(String question) {
        return vectorStore.similaritySearch(SearchRequest.builder()
                .query(question)
                .topK(2)
                .similarityThreshold(0.6)
                .filterExpression("topic == 'landmarks'")
                .build());
    }
}
