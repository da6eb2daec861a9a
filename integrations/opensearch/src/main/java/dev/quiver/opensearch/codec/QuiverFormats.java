package dev.quiver.opensearch.codec;

import dev.quiver.lucene.QuiverHnswVectorsFormat;
import org.apache.lucene.codecs.KnnVectorsFormat;

/** Quiver's Lucene vector format (quiver-lucene's {@link QuiverHnswVectorsFormat}) for a field's parameters. */
final class QuiverFormats {

    private QuiverFormats() {}

    /** Null when Quiver's format cannot store the field that way (the mapping is refused before any write). */
    static String unsupported(Quantization quantization) {
        return quantization == Quantization.NONE ? null
                : "quantization [" + quantization.mappingValue() + "] is not available with index.quiver.vectors_format"
                        + " [quiver] (Quiver's Lucene format stores float vectors); use [none]";
    }

    static KnnVectorsFormat create(int m, int efConstruction, Quantization quantization) {
        String problem = unsupported(quantization);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        // buildThreads 0: each flush or merge links its graph on as many threads as there are processors.
        return new QuiverHnswVectorsFormat(m, efConstruction, 0);
    }
}
