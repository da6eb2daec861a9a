package dev.quiver.opensearch.codec;

import java.util.function.Function;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.FilterCodec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;

/**
 * OpenSearch's codec with a per-field vector format: {@code quiver_vector} fields go to the format their mapping asks
 * for, every other field to the wrapped codec's own choice. Segments record this codec's SPI name and, per field, the
 * vector format's SPI name, so the no-argument constructor (used by Lucene to read) needs no mapping.
 */
public final class QuiverCodec extends FilterCodec {

    /** The SPI name written into every segment of a Quiver-enabled index. */
    public static final String NAME = "QuiverCodec";

    private final KnnVectorsFormat vectorsFormat;

    /** For reading through SPI: per-field formats are resolved from the segment's field attributes. */
    public QuiverCodec() {
        this(new Lucene104Codec(), field -> null);
    }

    /**
     * @param delegate the codec for everything but vectors (and for vector fields {@code formatForField} leaves out)
     * @param formatForField the vector format of a field, or null to keep the delegate's
     */
    public QuiverCodec(Codec delegate, Function<String, KnnVectorsFormat> formatForField) {
        super(NAME, delegate);
        KnnVectorsFormat delegateFormat = delegate.knnVectorsFormat();
        this.vectorsFormat = new PerFieldKnnVectorsFormat() {
            @Override
            public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                KnnVectorsFormat chosen = formatForField.apply(field);
                if (chosen != null) {
                    return chosen;
                }
                return delegateFormat instanceof PerFieldKnnVectorsFormat perField
                        ? perField.getKnnVectorsFormatForField(field)
                        : delegateFormat;
            }
        };
    }

    @Override
    public KnnVectorsFormat knnVectorsFormat() {
        return vectorsFormat;
    }
}
