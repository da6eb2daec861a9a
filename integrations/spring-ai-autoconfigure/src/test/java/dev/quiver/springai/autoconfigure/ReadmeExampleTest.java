package dev.quiver.springai.autoconfigure;

import dev.quiver.springai.QuiverVectorStore;
import dev.quiver.springai.WordHashingEmbeddingModel;
import dev.quiver.springai.autoconfigure.example.KnowledgeBase;
import dev.quiver.springai.autoconfigure.example.KnowledgeBaseApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Spring AI example of the README, started as a Spring Boot application: the auto-configuration is found through
 * its {@code AutoConfiguration.imports} entry, the service ingests documents and answers a question, and a restarted
 * application still has them. The README takes its embedding model from a Spring AI model starter; here a
 * deterministic one stands in.
 */
class ReadmeExampleTest {

    @TempDir
    Path dir;

    @Configuration(proxyBeanMethods = false)
    static class StandInEmbeddingModel {
        @Bean
        EmbeddingModel embeddingModel() {
            return new WordHashingEmbeddingModel();
        }
    }

    private ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(KnowledgeBaseApplication.class, StandInEmbeddingModel.class)
                .web(WebApplicationType.NONE)
                .properties("spring.ai.vectorstore.quiver.path=" + dir.resolve("data/vectors"), // as application.properties
                        "spring.ai.vectorstore.quiver.collection=kb")
                .run();
    }

    @Test
    void serviceIngestsThenAnswers() {
        try (ConfigurableApplicationContext app = start()) {
            KnowledgeBase kb = app.getBean(KnowledgeBase.class);
            kb.ingest();
            List<Document> answer = kb.answer("Which tower stands in Paris?");
            // answer.get(0).getText() -> "The Eiffel Tower is a wrought-iron tower in Paris, completed in 1889."
            assertFalse(answer.isEmpty());
            assertTrue(answer.size() <= 2, answer.toString());
            assertEquals("eiffel", answer.getFirst().getId());
            assertEquals(1889, answer.getFirst().getMetadata().get("year"));
            answer.forEach(d -> assertEquals("landmarks", d.getMetadata().get("topic")));
            answer.forEach(d -> assertTrue(d.getScore() >= 0.6, d.toString()));
        }
        // Restarted, the application still has its knowledge base (and ingesting again replaces, by id).
        try (ConfigurableApplicationContext app = start()) {
            assertEquals(4, app.getBean(QuiverVectorStore.class).database().size());
            app.getBean(KnowledgeBase.class).ingest();
            assertEquals(4, app.getBean(QuiverVectorStore.class).database().size());
            assertEquals("eiffel", app.getBean(KnowledgeBase.class).answer("Eiffel Tower").getFirst().getId());
        }
    }
}
