package dev.quiver.springai;

import dev.quiver.Metric;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.test.vectorstore.BaseVectorStoreTests;
import org.springframework.ai.vectorstore.VectorStore;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Spring AI's own {@link BaseVectorStoreTests} (from {@code spring-ai-test}) against the Quiver store, once per metric.
 * Each test gets a fresh Spring context whose store bean opens a database in a new directory; the context's shutdown
 * closes it.
 */
class SpringAiVectorStoreSuiteTest {

    @Configuration(proxyBeanMethods = false)
    static class StoreConfig {

        @Bean
        EmbeddingModel embeddingModel() {
            return new WordHashingEmbeddingModel();
        }

        @Bean
        QuiverVectorStore vectorStore(EmbeddingModel embeddingModel, StoreLocation location) {
            return QuiverVectorStore.builder(location.path(), embeddingModel)
                    .collection("suite").metric(location.metric()).build();
        }
    }

    record StoreLocation(Path path, Metric metric) { }

    abstract static class OnMetric extends BaseVectorStoreTests {

        @TempDir
        Path dir;

        abstract Metric metric();

        @Override
        protected void executeTest(Consumer<VectorStore> testFunction) {
            new ApplicationContextRunner()
                    .withBean(StoreLocation.class, () -> new StoreLocation(dir.resolve("run-" + System.nanoTime()), metric()))
                    .withUserConfiguration(StoreConfig.class)
                    .run(context -> {
                        VectorStore store = context.getBean(VectorStore.class);
                        testFunction.accept(store);
                    });
        }
    }

    @Nested
    class Cosine extends OnMetric {
        @Override
        Metric metric() {
            return Metric.COSINE;
        }
    }

    @Nested
    class Euclidean extends OnMetric {
        @Override
        Metric metric() {
            return Metric.EUCLIDEAN;
        }
    }

    @Nested
    class DotProduct extends OnMetric {
        @Override
        Metric metric() {
            return Metric.DOT_PRODUCT;
        }
    }
}
