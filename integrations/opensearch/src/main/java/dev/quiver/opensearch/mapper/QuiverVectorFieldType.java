package dev.quiver.opensearch.mapper;

import java.util.Locale;
import java.util.Map;
import org.apache.lucene.search.FieldExistsQuery;
import org.apache.lucene.search.Query;
import org.opensearch.index.mapper.MappedFieldType;
import org.opensearch.index.mapper.SourceValueFetcher;
import org.opensearch.index.mapper.TextSearchInfo;
import org.opensearch.index.mapper.ValueFetcher;
import org.opensearch.index.query.QueryShardContext;
import org.opensearch.search.lookup.SearchLookup;

/** The searchable side of a {@code quiver_vector} field: its parameters, for the codec and the {@code quiver_knn} query. */
public final class QuiverVectorFieldType extends MappedFieldType {

    private final VectorFieldParams params;

    public QuiverVectorFieldType(String name, VectorFieldParams params, Map<String, String> meta) {
        super(name, true, false, false, TextSearchInfo.NONE, meta);
        this.params = params;
    }

    public VectorFieldParams params() {
        return params;
    }

    @Override
    public String typeName() {
        return QuiverVectorFieldMapper.CONTENT_TYPE;
    }

    @Override
    public ValueFetcher valueFetcher(QueryShardContext context, SearchLookup searchLookup, String format) {
        if (format != null) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "field [%s] of type [%s] doesn't support formats", name(), typeName()));
        }
        return SourceValueFetcher.identity(name(), context, null);
    }

    @Override
    public Query termQuery(Object value, QueryShardContext context) {
        throw new IllegalArgumentException(String.format(Locale.ROOT,
                "field [%s] of type [%s] does not support term queries: use a [quiver_knn] query",
                name(), typeName()));
    }

    @Override
    public Query existsQuery(QueryShardContext context) {
        return new FieldExistsQuery(name());
    }
}
