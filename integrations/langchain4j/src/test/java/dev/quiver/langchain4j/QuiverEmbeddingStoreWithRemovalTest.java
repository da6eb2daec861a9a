package dev.quiver.langchain4j;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.EmbeddingStoreWithRemovalIT;
import dev.quiver.Metric;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * LangChain4j's own test suite for removal (by id, ids, filter and all), run against a Quiver store on disk.
 * Every capability is left on.
 */
class QuiverEmbeddingStoreWithRemovalTest extends EmbeddingStoreWithRemovalIT {

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

    /** The suite starts every test from an empty store but leaves clearing it to the implementation. */
    @BeforeEach
    void clear() {
        store.removeAll();
    }

    @Override
    protected EmbeddingStore<TextSegment> embeddingStore() {
        return store;
    }

    @Override
    protected EmbeddingModel embeddingModel() {
        return SharedModel.get();
    }
}
