package dev.quiver.springai.autoconfigure;

import dev.quiver.Database;
import dev.quiver.DimensionMismatchException;
import dev.quiver.InvalidArgumentException;
import dev.quiver.InvalidCollectionNameException;
import dev.quiver.InvalidMetricException;
import dev.quiver.Metric;
import dev.quiver.springai.QuiverVectorStore;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.ai.embedding.BatchingStrategy;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.TokenCountBatchingStrategy;
import org.springframework.ai.vectorstore.SpringAIVectorStoreTypes;
import org.springframework.ai.vectorstore.observation.VectorStoreObservationConvention;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.convert.converter.Converter;

import java.util.Locale;

/**
 * Auto-configuration of a {@link QuiverVectorStore}: with an {@link EmbeddingModel} bean and
 * {@code spring.ai.vectorstore.quiver.path} set, a {@code VectorStore} is ready to inject.
 *
 * <ul>
 *   <li>Active unless {@code spring.ai.vectorstore.type} names another store ({@value #TYPE} selects this one).</li>
 *   <li>Backs off when the application defines its own {@link QuiverVectorStore} (or {@link BatchingStrategy}).</li>
 *   <li>The store opens (or creates) the database at {@code path/collection} with the properties of
 *       {@link QuiverVectorStoreProperties}, and closes it (saving it) when the context shuts down. When the
 *       application defines a {@link Database} bean instead, the store uses it and leaves closing it to its owner.</li>
 *   <li>Observations go to the {@link ObservationRegistry} bean when there is one.</li>
 * </ul>
 */
@AutoConfiguration
@ConditionalOnClass({ EmbeddingModel.class, QuiverVectorStore.class, Database.class })
@EnableConfigurationProperties(QuiverVectorStoreProperties.class)
@ConditionalOnProperty(name = SpringAIVectorStoreTypes.TYPE, havingValue = QuiverVectorStoreAutoConfiguration.TYPE,
        matchIfMissing = true)
public class QuiverVectorStoreAutoConfiguration {

    /** The value of {@code spring.ai.vectorstore.type} that selects this store. */
    public static final String TYPE = "quiver";

    /**
     * Binds {@code metric} by Quiver's own names ({@link Metric#parse}: {@code cosine}, {@code euclidean}/{@code l2},
     * {@code dot}/{@code dot_product}), case and '-'/'_' relaxed as Spring Boot binds enums; anything else fails with
     * Quiver's message naming the accepted values.
     */
    @Bean
    @ConfigurationPropertiesBinding
    static Converter<String, Metric> quiverMetricConverter() {
        return new MetricConverter();
    }

    /** A named class, not a lambda: the conversion service reads the generic types to know it converts to Metric. */
    static final class MetricConverter implements Converter<String, Metric> {
        @Override
        public Metric convert(String source) {
            try {
                return Metric.parse(source);
            } catch (InvalidMetricException e) {
                try {
                    return Metric.parse(source.trim().toLowerCase(Locale.ROOT).replace('-', '_'));
                } catch (InvalidMetricException again) {
                    throw new IllegalArgumentException(e.getMessage(), e);
                }
            }
        }
    }

    @Bean
    @ConditionalOnMissingBean
    BatchingStrategy quiverBatchingStrategy() {
        return new TokenCountBatchingStrategy();
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public QuiverVectorStore vectorStore(EmbeddingModel embeddingModel, QuiverVectorStoreProperties properties,
                                         ObjectProvider<Database> database,
                                         ObjectProvider<ObservationRegistry> observationRegistry,
                                         ObjectProvider<VectorStoreObservationConvention> customObservationConvention,
                                         BatchingStrategy quiverBatchingStrategy) {
        Database own = database.getIfUnique();
        if (own != null) {
            return observed(QuiverVectorStore.builder(own, embeddingModel), observationRegistry,
                    customObservationConvention, quiverBatchingStrategy).build();
        }
        try {
            return observed(pathBuilder(embeddingModel, properties), observationRegistry, customObservationConvention,
                    quiverBatchingStrategy).build();
        } catch (IllegalArgumentException | InvalidArgumentException | InvalidCollectionNameException
                 | DimensionMismatchException e) {
            // The message names the value ("m must be between 2 and 512, got 1"); say where it was set.
            throw new IllegalStateException("invalid " + QuiverVectorStoreProperties.PREFIX + ".* setting: "
                    + e.getMessage(), e);
        }
    }

    private static QuiverVectorStore.Builder observed(QuiverVectorStore.Builder builder,
                                                      ObjectProvider<ObservationRegistry> observationRegistry,
                                                      ObjectProvider<VectorStoreObservationConvention> convention,
                                                      BatchingStrategy batchingStrategy) {
        return builder.observationRegistry(observationRegistry.getIfUnique(() -> ObservationRegistry.NOOP))
                .customObservationConvention(convention.getIfAvailable(() -> null))
                .batchingStrategy(batchingStrategy);
    }

    private static QuiverVectorStore.Builder pathBuilder(EmbeddingModel embeddingModel,
                                                         QuiverVectorStoreProperties properties) {
        if (properties.getPath() == null) {
            throw new IllegalStateException(QuiverVectorStoreProperties.PREFIX + ".path must be set to the directory"
                    + " of the Quiver database (or define a dev.quiver.Database bean)");
        }
        QuiverVectorStore.Builder builder = QuiverVectorStore.builder(properties.getPath(), embeddingModel)
                .collection(properties.getCollection())
                .metric(properties.getMetric())
                .m(properties.getM())
                .efConstruction(properties.getEfConstruction())
                .quantize(properties.isQuantize())
                .durability(properties.getDurability());
        if (properties.getDimensions() != null) {
            builder.dimensions(properties.getDimensions());
        }
        return builder;
    }
}
