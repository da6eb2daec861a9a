package dev.quiver.langchain4j;

import dev.quiver.Config;
import dev.quiver.Database;
import dev.quiver.InvalidArgumentException;
import dev.quiver.Metric;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The builder never ignores a metric it was given: it must be the database's, opened by path or handed in. */
class QuiverEmbeddingStoreBuilderTest {

    @TempDir
    Path dir;

    @Test
    void aMetricThatIsNotTheExistingDatabasesIsRefusedNotIgnored() {
        Path path = dir.resolve("kb");
        try (Database db = Database.open(path, Config.dim(3).metric(Metric.COSINE))) {
            db.add("a", new float[] {1, 2, 3});
        }
        InvalidArgumentException byPath = assertThrows(InvalidArgumentException.class,
                () -> QuiverEmbeddingStore.builder().path(path).metric(Metric.DOT_PRODUCT).build());
        assertEquals("metric mismatch: database at '" + path + "' uses cosine, the builder asks for dot_product",
                byPath.getMessage());
        try (QuiverEmbeddingStore store = QuiverEmbeddingStore.builder().path(path).metric(Metric.COSINE).build()) {
            assertEquals(Metric.COSINE, store.database().metric(), "the refused build released the database");
        }
        try (Database db = Database.open(path)) {
            assertThrows(InvalidArgumentException.class,
                    () -> QuiverEmbeddingStore.builder().database(db).metric(Metric.EUCLIDEAN).build());
            try (QuiverEmbeddingStore store = QuiverEmbeddingStore.builder().database(db).metric(Metric.COSINE)
                    .build()) {
                assertEquals(1, store.database().size());
            }
            try (QuiverEmbeddingStore store = QuiverEmbeddingStore.builder().database(db).build()) {
                assertEquals(Metric.COSINE, store.database().metric(), "no metric given: the database's");
            }
        }
    }
}
