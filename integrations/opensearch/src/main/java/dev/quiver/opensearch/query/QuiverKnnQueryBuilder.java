package dev.quiver.opensearch.query;

import dev.quiver.opensearch.mapper.QuiverVectorFieldMapper;
import dev.quiver.opensearch.mapper.QuiverVectorFieldType;
import dev.quiver.opensearch.mapper.VectorValues;
import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.Query;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.index.mapper.MappedFieldType;
import org.opensearch.index.query.AbstractQueryBuilder;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.index.query.QueryRewriteContext;
import org.opensearch.index.query.QueryShardContext;
import org.opensearch.index.query.QueryShardException;

/**
 * The {@code quiver_knn} query: the {@code k} nearest vectors of a {@code quiver_vector} field, optionally among the
 * documents that match a filter query. Each shard answers with its own k best; OpenSearch merges them by score.
 *
 * <pre>{"quiver_knn": {"my_vector": {"vector": [...], "k": 10, "ef_search": 100, "filter": {...}}}}</pre>
 */
public final class QuiverKnnQueryBuilder extends AbstractQueryBuilder<QuiverKnnQueryBuilder> {

    public static final String NAME = "quiver_knn";
    /** Upper bound on k and ef_search, like OpenSearch's default max result window. */
    public static final int MAX_K = 10_000;

    private final String fieldName;
    private final float[] vector;
    private final int k;
    private final Integer efSearch;
    private final QueryBuilder filter;

    public QuiverKnnQueryBuilder(String fieldName, float[] vector, int k, Integer efSearch, QueryBuilder filter) {
        if (fieldName == null || fieldName.isEmpty()) {
            throw new IllegalArgumentException("[" + NAME + "] needs a field name");
        }
        if (vector == null || vector.length == 0) {
            throw new IllegalArgumentException("[" + NAME + "] needs a non-empty [vector]");
        }
        checkRange("k", k);
        if (efSearch != null) {
            checkRange("ef_search", efSearch);
        }
        this.fieldName = fieldName;
        this.vector = vector.clone();
        this.k = k;
        this.efSearch = efSearch;
        this.filter = filter;
    }

    public QuiverKnnQueryBuilder(StreamInput in) throws IOException {
        super(in);
        this.fieldName = in.readString();
        this.vector = in.readFloatArray();
        this.k = in.readVInt();
        this.efSearch = in.readOptionalVInt();
        this.filter = in.readOptionalNamedWriteable(QueryBuilder.class);
    }

    private static void checkRange(String name, int value) {
        if (value < 1 || value > MAX_K) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "[%s] [%s] must be in [1, %d], got [%d]", NAME, name, MAX_K, value));
        }
    }

    public String fieldName() {
        return fieldName;
    }

    public float[] vector() {
        return vector.clone();
    }

    public int k() {
        return k;
    }

    public Integer efSearch() {
        return efSearch;
    }

    public QueryBuilder filter() {
        return filter;
    }

    @Override
    public String getWriteableName() {
        return NAME;
    }

    @Override
    protected void doWriteTo(StreamOutput out) throws IOException {
        out.writeString(fieldName);
        out.writeFloatArray(vector);
        out.writeVInt(k);
        out.writeOptionalVInt(efSearch);
        out.writeOptionalNamedWriteable(filter);
    }

    @Override
    protected void doXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject(NAME);
        builder.startObject(fieldName);
        builder.array("vector", vector);
        builder.field("k", k);
        if (efSearch != null) {
            builder.field("ef_search", efSearch);
        }
        if (filter != null) {
            builder.field("filter", filter);
        }
        printBoostAndQueryName(builder);
        builder.endObject();
        builder.endObject();
    }

    public static QuiverKnnQueryBuilder fromXContent(XContentParser parser) throws IOException {
        return QuiverKnnQueryParser.parse(parser);
    }

    @Override
    protected QueryBuilder doRewrite(QueryRewriteContext context) throws IOException {
        if (filter == null) {
            return this;
        }
        QueryBuilder rewritten = filter.rewrite(context);
        if (rewritten == filter) {
            return this;
        }
        return new QuiverKnnQueryBuilder(fieldName, vector, k, efSearch, rewritten).boost(boost).queryName(queryName);
    }

    @Override
    protected Query doToQuery(QueryShardContext context) throws IOException {
        MappedFieldType type = context.fieldMapper(fieldName);
        if (type == null) {
            throw new QueryShardException(context, String.format(Locale.ROOT,
                    "[%s] field [%s] does not exist in the mapping", NAME, fieldName));
        }
        if (!(type instanceof QuiverVectorFieldType vectorType)) {
            throw new QueryShardException(context, String.format(Locale.ROOT,
                    "[%s] needs a field of type [%s], but field [%s] is of type [%s]",
                    NAME, QuiverVectorFieldMapper.CONTENT_TYPE, fieldName, type.typeName()));
        }
        int dimension = vectorType.params().dimension();
        if (vector.length != dimension) {
            throw new QueryShardException(context, String.format(Locale.ROOT,
                    "[%s] vector has %d values but field [%s] has dimension %d",
                    NAME, vector.length, fieldName, dimension));
        }
        for (int i = 0; i < vector.length; i++) {
            if (!Float.isFinite(vector[i])) {
                throw new QueryShardException(context, String.format(Locale.ROOT,
                        "[%s] vector has a non-finite value [%s] at position %d", NAME, vector[i], i));
            }
        }
        if (vectorType.params().similarity() == VectorSimilarityFunction.COSINE) {
            try {
                VectorValues.checkForSimilarity(vector, VectorSimilarityFunction.COSINE, fieldName);
            } catch (IllegalArgumentException e) {
                throw new QueryShardException(context, "[" + NAME + "] " + e.getMessage());
            }
        }
        Query filterQuery = filter == null ? null : filter.toQuery(context);
        int beam = efSearch == null ? k : efSearch;
        return new QuiverKnnQuery(fieldName, vector, k, beam, filterQuery);
    }

    @Override
    protected boolean doEquals(QuiverKnnQueryBuilder other) {
        return fieldName.equals(other.fieldName)
                && Arrays.equals(vector, other.vector)
                && k == other.k
                && Objects.equals(efSearch, other.efSearch)
                && Objects.equals(filter, other.filter);
    }

    @Override
    protected int doHashCode() {
        return Objects.hash(fieldName, Arrays.hashCode(vector), k, efSearch, filter);
    }
}
