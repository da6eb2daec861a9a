package dev.quiver.springai.autoconfigure;

import dev.quiver.Config;
import dev.quiver.Database;
import dev.quiver.Durability;
import dev.quiver.Metric;
import dev.quiver.springai.QuiverVectorStore;
import dev.quiver.springai.WordHashingEmbeddingModel;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.BatchingStrategy;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.TokenCountBatchingStrategy;
import org.springframework.ai.vectorstore.SearchRequest;
import org.springframework.ai.vectorstore.VectorStore;
import org.springframework.ai.vectorstore.observation.VectorStoreObservationContext;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The auto-configuration in {@link ApplicationContextRunner}s: created, bound, backing off, closing, persisting. */
class QuiverVectorStoreAutoConfigurationTest {

    @TempDir
    Path dir;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(QuiverVectorStoreAutoConfiguration.class))
            .withBean(EmbeddingModel.class, WordHashingEmbeddingModel::new);

    private String path() {
        return "spring.ai.vectorstore.quiver.path=" + dir;
    }

    @Test
    void storeIsCreatedWithDefaults() {
        runner.withPropertyValues(path()).run(context -> {
            assertThat(context).hasSingleBean(VectorStore.class);
            assertThat(context).hasSingleBean(QuiverVectorStore.class);
            assertThat(context.getBean(BatchingStrategy.class)).isInstanceOf(TokenCountBatchingStrategy.class);
            Database db = context.getBean(QuiverVectorStore.class).database();
            assertThat(db.path()).isEqualTo(dir.resolve(QuiverVectorStoreProperties.DEFAULT_COLLECTION));
            Config config = db.config();
            assertThat(config.dim()).isEqualTo(WordHashingEmbeddingModel.DIMENSIONS); // the embedding model's
            assertThat(config.metric()).isEqualTo(Metric.COSINE);
            assertThat(config.m()).isEqualTo(Config.DEFAULT_M);
            assertThat(config.efConstruction()).isEqualTo(Config.DEFAULT_EF_CONSTRUCTION);
            assertThat(config.quantize()).isFalse();
            assertThat(config.durability()).isEqualTo(Durability.DEFAULT);
        });
    }

    @Test
    void everyPropertyIsBound() {
        runner.withPropertyValues(path(), "spring.ai.vectorstore.quiver.collection=kb-1",
                "spring.ai.vectorstore.quiver.dimensions=128", "spring.ai.vectorstore.quiver.metric=dot-product",
                "spring.ai.vectorstore.quiver.m=8", "spring.ai.vectorstore.quiver.ef-construction=64",
                "spring.ai.vectorstore.quiver.quantize=true", "spring.ai.vectorstore.quiver.durability=sync")
                .run(context -> {
                    QuiverVectorStoreProperties properties = context.getBean(QuiverVectorStoreProperties.class);
                    assertThat(properties.getPath()).isEqualTo(dir);
                    Database db = context.getBean(QuiverVectorStore.class).database();
                    assertThat(db.path()).isEqualTo(dir.resolve("kb-1"));
                    Config config = db.config();
                    assertThat(config.dim()).isEqualTo(128);
                    assertThat(config.metric()).isEqualTo(Metric.DOT_PRODUCT);
                    assertThat(config.m()).isEqualTo(8);
                    assertThat(config.efConstruction()).isEqualTo(64);
                    assertThat(config.quantize()).isTrue();
                    assertThat(config.durability()).isEqualTo(Durability.SYNC);
                });
    }

    @Test
    void backsOffWhenAnotherStoreTypeIsSelected() {
        runner.withPropertyValues(path(), "spring.ai.vectorstore.type=pgvector").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(VectorStore.class);
            assertThat(context).doesNotHaveBean(QuiverVectorStoreProperties.class);
        });
        assertThat(Files.exists(dir.resolve(QuiverVectorStoreProperties.DEFAULT_COLLECTION))).isFalse();
        runner.withPropertyValues(path(), "spring.ai.vectorstore.type=quiver")
                .run(context -> assertThat(context).hasSingleBean(QuiverVectorStore.class));
    }

    @Test
    void backsOffForTheApplicationsOwnStore() {
        runner.withPropertyValues(path())
                .withBean("myStore", QuiverVectorStore.class, () -> QuiverVectorStore.builder(dir.resolve("mine"),
                        new WordHashingEmbeddingModel()).build())
                .run(context -> {
                    assertThat(context).hasSingleBean(QuiverVectorStore.class);
                    assertThat(context.getBean(QuiverVectorStore.class).database().path()).isEqualTo(dir.resolve("mine"));
                });
    }

    @Test
    void usesTheApplicationsDatabaseAndLeavesItOpen() {
        try (Database db = Database.open(dir.resolve("app-db"), Config.dim(WordHashingEmbeddingModel.DIMENSIONS))) {
            // No destroy method: the test owns the database, so neither the context nor the store may close it.
            runner.withBean(Database.class, () -> db, definition -> definition.setDestroyMethodName("")).run(context -> {
                assertThat(context.getBean(QuiverVectorStore.class).database()).isSameAs(db);
                context.getBean(VectorStore.class).add(List.of(new Document("a", "text", Map.of())));
            });
            assertThat(db.isClosed()).isFalse();
            assertThat(db.size()).isEqualTo(1);
        }
    }

    @Test
    void databaseIsClosedAtShutdownAndDocumentsSurviveARestart() {
        AtomicReference<Database> first = new AtomicReference<>();
        runner.withPropertyValues(path(), "spring.ai.vectorstore.quiver.collection=persist").run(context -> {
            QuiverVectorStore store = context.getBean(QuiverVectorStore.class);
            first.set(store.database());
            store.add(List.of(new Document("eiffel", "The Eiffel Tower stands in Paris", Map.of("year", 1889)),
                    new Document("wall", "The Great Wall crosses northern China", Map.of("year", -700))));
        });
        assertThat(first.get().isClosed()).isTrue();
        runner.withPropertyValues(path(), "spring.ai.vectorstore.quiver.collection=persist").run(context -> {
            List<Document> hits = context.getBean(VectorStore.class).similaritySearch(
                    SearchRequest.builder().query("tower in Paris").topK(1).build());
            assertThat(hits).extracting(Document::getId).containsExactly("eiffel");
            assertThat(hits.getFirst().getMetadata()).containsEntry("year", 1889);
            assertThat(context.getBean(QuiverVectorStore.class).database().size()).isEqualTo(2);
        });
    }

    @Test
    void missingPathFailsWithTheNameOfTheProperty() {
        runner.run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .hasMessageContaining("spring.ai.vectorstore.quiver.path");
        });
    }

    @Test
    void aStoredShapeThatDiffersIsAStartupError() {
        runner.withPropertyValues(path(), "spring.ai.vectorstore.quiver.collection=shape").run(context -> {
            assertThat(context).hasNotFailed();
        });
        runner.withPropertyValues(path(), "spring.ai.vectorstore.quiver.collection=shape",
                "spring.ai.vectorstore.quiver.metric=euclidean").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("metric mismatch");
        });
    }

    @Test
    void observationsGoToTheRegistryBean() {
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
        runner.withPropertyValues(path()).withBean(ObservationRegistry.class, () -> registry).run(context -> {
            VectorStore store = context.getBean(VectorStore.class);
            store.add(List.of(new Document("a", "observed", Map.of())));
            store.similaritySearch(SearchRequest.builder().query("observed").build());
        });
        assertThat(seen).extracting(VectorStoreObservationContext::getDatabaseSystem).containsExactly("quiver", "quiver");
        assertThat(seen).extracting(VectorStoreObservationContext::getOperationName).containsExactly("add", "query");
    }

    @Test
    void metricTakesQuiversOwnNames() {
        // Metric.parse's names (API.md: "cosine" | "euclidean" | "l2" | "dot" | "dot_product"), besides the enum's.
        Map<String, Metric> names = Map.of("dot", Metric.DOT_PRODUCT, "l2", Metric.EUCLIDEAN,
                "dot_product", Metric.DOT_PRODUCT, "DOT_PRODUCT", Metric.DOT_PRODUCT, "Euclidean", Metric.EUCLIDEAN);
        names.forEach((name, metric) -> runner.withPropertyValues(path(),
                        "spring.ai.vectorstore.quiver.collection=m-" + metric.canonicalName() + "-" + name.length(),
                        "spring.ai.vectorstore.quiver.metric=" + name)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(QuiverVectorStore.class).database().metric()).as(name).isEqualTo(metric);
                }));
        runner.withPropertyValues(path(), "spring.ai.vectorstore.quiver.metric=manhattan").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasStackTraceContaining("spring.ai.vectorstore.quiver.metric");
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("invalid metric 'manhattan'");
        });
    }

    @Test
    void aBadSettingNamesItsPropertyPrefixAndTheValue() {
        for (String[] bad : new String[][] {{"m=1", "m must be between 2 and 512, got 1"},
                {"ef-construction=0", "efConstruction must be at least 1, got 0"},
                {"collection=a/b", "got 'a/b'"}}) {
            runner.withPropertyValues(path(), "spring.ai.vectorstore.quiver." + bad[0]).run(context -> {
                assertThat(context).as(bad[0]).hasFailed();
                assertThat(context.getStartupFailure()).as(bad[0])
                        .hasStackTraceContaining("invalid spring.ai.vectorstore.quiver.* setting: ")
                        .hasStackTraceContaining(bad[1]);
            });
        }
    }
}
