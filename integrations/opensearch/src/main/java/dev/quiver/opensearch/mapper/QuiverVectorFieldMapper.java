package dev.quiver.opensearch.mapper;

import dev.quiver.opensearch.QuiverIndexSettings;
import dev.quiver.opensearch.codec.Quantization;
import dev.quiver.opensearch.codec.VectorsFormatChoice;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.KnnFloatVectorField;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.index.mapper.FieldMapper;
import org.opensearch.index.mapper.MapperParsingException;
import org.opensearch.index.mapper.ParametrizedFieldMapper;
import org.opensearch.index.mapper.ParseContext;

/**
 * The {@code quiver_vector} field: a float vector of fixed dimension indexed as a Lucene {@link KnnFloatVectorField},
 * written by the vector format the plugin's codec picks for it. A document whose vector is malformed is rejected
 * whole (OpenSearch answers 400).
 */
public final class QuiverVectorFieldMapper extends ParametrizedFieldMapper {

    public static final String CONTENT_TYPE = "quiver_vector";

    /** Bounds on graph parameters: wide enough for any real use, narrow enough to catch typos. */
    static final int MAX_M = 512;
    static final int MAX_EF_CONSTRUCTION = 4096;
    /** Lucene's own limit for KnnFloatVectorField dimensions. */
    static final int MAX_DIMENSION = 4096;

    public static final TypeParser PARSER = new TypeParser((name, context) -> new Builder(name));

    private static QuiverVectorFieldMapper toType(FieldMapper in) {
        return (QuiverVectorFieldMapper) in;
    }

    /** Reads and validates a {@code quiver_vector} mapping. */
    public static final class Builder extends ParametrizedFieldMapper.Builder {

        private final Parameter<Integer> dimension = Parameter.intParam(
                "dimension", false, m -> toType(m).params.dimension(), -1)
                .setValidator(d -> {
                    if (d != -1 && (d < 1 || d > MAX_DIMENSION)) {
                        throw new IllegalArgumentException(String.format(Locale.ROOT,
                                "[dimension] must be in [1, %d], got [%d]", MAX_DIMENSION, d));
                    }
                });
        private final Parameter<String> similarity = Parameter.stringParam(
                "similarity", false, m -> toType(m).similarityName, "euclidean")
                .setValidator(SimilarityNames::parse);
        private final Parameter<Integer> m = Parameter.intParam("m", false, f -> toType(f).params.m(), 16)
                .setValidator(v -> checkRange("m", v, 2, MAX_M));
        private final Parameter<Integer> efConstruction = Parameter.intParam(
                "ef_construction", false, f -> toType(f).params.efConstruction(), 100)
                .setValidator(v -> checkRange("ef_construction", v, 1, MAX_EF_CONSTRUCTION));
        private final Parameter<String> quantization = Parameter.stringParam(
                "quantization", false, f -> toType(f).params.quantization().mappingValue(),
                Quantization.NONE.mappingValue())
                .setValidator(Quantization::parse);
        private final Parameter<Map<String, String>> meta = Parameter.metaParam();

        public Builder(String name) {
            super(name);
        }

        @Override
        protected List<Parameter<?>> getParameters() {
            return List.of(dimension, similarity, m, efConstruction, quantization, meta);
        }

        @Override
        public QuiverVectorFieldMapper build(BuilderContext context) {
            String fullName = buildFullName(context);
            if (!dimension.isConfigured()) {
                throw new MapperParsingException(String.format(Locale.ROOT,
                        "[dimension] is required for field [%s] of type [%s]", fullName, CONTENT_TYPE));
            }
            if (!QuiverIndexSettings.ENABLED.get(context.indexSettings())) {
                throw new MapperParsingException(String.format(Locale.ROOT,
                        "field [%s] of type [%s] needs the index setting [%s: true]",
                        fullName, CONTENT_TYPE, QuiverIndexSettings.ENABLED.getKey()));
            }
            VectorFieldParams params = new VectorFieldParams(
                    dimension.getValue(),
                    SimilarityNames.parse(similarity.getValue()),
                    m.getValue(),
                    efConstruction.getValue(),
                    Quantization.parse(quantization.getValue()));
            VectorsFormatChoice format = QuiverIndexSettings.VECTORS_FORMAT.get(context.indexSettings());
            String unsupported = format.unsupported(params);
            if (unsupported != null) {
                throw new MapperParsingException(String.format(Locale.ROOT,
                        "field [%s] of type [%s]: %s", fullName, CONTENT_TYPE, unsupported));
            }
            // Checked here rather than when Lucene first indexes a vector, so the mapping itself is refused.
            int maxDimension = format.formatFor(params).getMaxDimensions(fullName);
            if (params.dimension() > maxDimension) {
                throw new MapperParsingException(String.format(Locale.ROOT,
                        "field [%s] of type [%s]: [dimension] must be at most %d with index.quiver.vectors_format [%s],"
                                + " got [%d]", fullName, CONTENT_TYPE, maxDimension, format.settingValue(),
                        params.dimension()));
            }
            return new QuiverVectorFieldMapper(name, new QuiverVectorFieldType(fullName, params, meta.getValue()),
                    params, similarity.getValue(), multiFieldsBuilder.build(this, context), copyTo.build());
        }

        private static void checkRange(String name, int value, int min, int max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "[%s] must be in [%d, %d], got [%d]", name, min, max, value));
            }
        }
    }

    private final VectorFieldParams params;
    private final String similarityName;
    private final FieldType luceneFieldType;

    private QuiverVectorFieldMapper(String simpleName, QuiverVectorFieldType type, VectorFieldParams params,
            String similarityName, MultiFields multiFields, CopyTo copyTo) {
        super(simpleName, type, multiFields, copyTo);
        this.params = params;
        this.similarityName = similarityName;
        this.luceneFieldType = KnnFloatVectorField.createFieldType(params.dimension(), params.similarity());
    }

    @Override
    public ParametrizedFieldMapper.Builder getMergeBuilder() {
        return new Builder(simpleName()).init(this);
    }

    /** The whole JSON array is one vector: OpenSearch must hand it over as one value. */
    @Override
    public boolean parsesArrayValue() {
        return true;
    }

    @Override
    protected String contentType() {
        return CONTENT_TYPE;
    }

    @Override
    protected void parseCreateField(ParseContext context) throws IOException {
        XContentParser parser = context.parser();
        if (parser.currentToken() == XContentParser.Token.VALUE_NULL) {
            return;
        }
        float[] vector = VectorValues.parse(parser, name(), params.dimension());
        VectorValues.checkForSimilarity(vector, params.similarity(), name());
        context.doc().add(new KnnFloatVectorField(name(), vector, luceneFieldType));
    }
}
