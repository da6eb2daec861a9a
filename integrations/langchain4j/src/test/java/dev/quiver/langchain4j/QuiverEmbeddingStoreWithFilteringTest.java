package dev.quiver.langchain4j;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.EmbeddingStoreWithFilteringIT;
import dev.quiver.Metric;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * LangChain4j's own test suite for stores with metadata filtering (from {@code langchain4j-core}'s test jar), run
 * against a Quiver store on disk with the MiniLM model. Every capability is left on, including
 * {@code ContainsString}. The suite's {@code should_throw_exception_when_contains_is_not_supported} is skipped by
 * the suite itself (an assumption on {@link #supportsContains()}): it only applies to stores without ContainsString.
 */
class QuiverEmbeddingStoreWithFilteringTest extends EmbeddingStoreWithFilteringIT {

    @TempDir
    static Path dir;

    private static QuiverEmbeddingStore store;

    @BeforeAll
    static void open() {
        store = QuiverEmbeddingStore.builder().path(dir.resolve("db")).dimension(SharedModel.DIM)
                .metric(Metric.COSINE).build();
    }

    @AfterAll
    static void close() {
        store.close();
    }

    @Override
    protected EmbeddingStore<TextSegment> embeddingStore() {
        return store;
    }

    @Override
    protected EmbeddingModel embeddingModel() {
        return SharedModel.get();
    }

    @Override
    protected void clearStore() {
        store.removeAll();
    }

    @Override
    protected boolean supportsContains() {
        return true;
    }
}
