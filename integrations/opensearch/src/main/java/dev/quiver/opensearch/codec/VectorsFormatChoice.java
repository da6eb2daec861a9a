package dev.quiver.opensearch.codec;

import dev.quiver.opensearch.mapper.VectorFieldParams;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.util.quantization.QuantizedByteVectorValues.ScalarEncoding;

/** The Lucene vector formats a {@code quiver_vector} field can be written with (index setting {@code index.quiver.vectors_format}). */
public enum VectorsFormatChoice {
    /** Quiver's HNSW as a Lucene {@code KnnVectorsFormat}. */
    QUIVER("quiver"),
    /** Lucene's own {@code Lucene99HnswVectorsFormat} with the field's M and ef_construction: the baseline. */
    LUCENE_HNSW("lucene_hnsw");

    // One format instance per distinct parameter set: formats are stateless to Lucene but may own resources.
    private static final Map<Key, KnnVectorsFormat> FORMATS = new ConcurrentHashMap<>();

    private final String settingValue;

    VectorsFormatChoice(String settingValue) {
        this.settingValue = settingValue;
    }

    public String settingValue() {
        return settingValue;
    }

    public static VectorsFormatChoice parse(String value) {
        for (VectorsFormatChoice choice : values()) {
            if (choice.settingValue.equals(value)) {
                return choice;
            }
        }
        throw new IllegalArgumentException(String.format(Locale.ROOT,
                "unknown value [%s] for [index.quiver.vectors_format]: expected one of %s",
                value, Arrays.stream(values()).map(VectorsFormatChoice::settingValue).toList()));
    }

    /** Why this format cannot write a field with these parameters, or null when it can. */
    public String unsupported(VectorFieldParams params) {
        return this == QUIVER ? QuiverFormats.unsupported(params.quantization()) : null;
    }

    /** The format that writes a field with these parameters. */
    public KnnVectorsFormat formatFor(VectorFieldParams params) {
        return FORMATS.computeIfAbsent(new Key(this, params.m(), params.efConstruction(), params.quantization()),
                key -> key.choice.create(key));
    }

    private KnnVectorsFormat create(Key key) {
        return switch (this) {
            case QUIVER -> QuiverFormats.create(key.m, key.efConstruction, key.quantization);
            case LUCENE_HNSW -> LuceneFormats.create(key.m, key.efConstruction, key.quantization);
        };
    }

    private record Key(VectorsFormatChoice choice, int m, int efConstruction, Quantization quantization) {}

    /** Lucene's formats, for the baseline. */
    private static final class LuceneFormats {
        static KnnVectorsFormat create(int m, int efConstruction, Quantization quantization) {
            return switch (quantization) {
                case NONE -> new Lucene99HnswVectorsFormat(m, efConstruction);
                case SQ8 -> new Lucene104HnswScalarQuantizedVectorsFormat(ScalarEncoding.UNSIGNED_BYTE, m, efConstruction);
            };
        }
    }
}
