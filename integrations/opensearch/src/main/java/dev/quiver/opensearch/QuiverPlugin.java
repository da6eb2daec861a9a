package dev.quiver.opensearch;

import dev.quiver.opensearch.codec.QuiverCodecService;
import dev.quiver.opensearch.mapper.QuiverVectorFieldMapper;
import dev.quiver.opensearch.query.QuiverKnnQueryBuilder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.opensearch.common.settings.Setting;
import org.opensearch.index.IndexSettings;
import org.opensearch.index.codec.CodecServiceFactory;
import org.opensearch.index.mapper.Mapper;
import org.opensearch.plugins.EnginePlugin;
import org.opensearch.plugins.MapperPlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.plugins.SearchPlugin;

/**
 * The Quiver OpenSearch plugin: a {@code quiver_vector} field written with Quiver's Lucene vector format (through the
 * plugin's codec on indexes with {@code index.quiver: true}) and a {@code quiver_knn} query.
 */
public final class QuiverPlugin extends Plugin implements MapperPlugin, SearchPlugin, EnginePlugin {

    @Override
    public List<Setting<?>> getSettings() {
        return QuiverIndexSettings.all();
    }

    @Override
    public Map<String, Mapper.TypeParser> getMappers() {
        return Map.of(QuiverVectorFieldMapper.CONTENT_TYPE, QuiverVectorFieldMapper.PARSER);
    }

    @Override
    public List<QuerySpec<?>> getQueries() {
        return List.of(new QuerySpec<>(
                QuiverKnnQueryBuilder.NAME, QuiverKnnQueryBuilder::new, QuiverKnnQueryBuilder::fromXContent));
    }

    @Override
    public Optional<CodecServiceFactory> getCustomCodecServiceFactory(IndexSettings indexSettings) {
        if (indexSettings.getValue(QuiverIndexSettings.ENABLED)) {
            return Optional.of(QuiverCodecService::new);
        }
        return Optional.empty();
    }
}
