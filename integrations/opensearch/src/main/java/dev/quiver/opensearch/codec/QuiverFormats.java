package dev.quiver.opensearch.codec;

import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;

/** Quiver's Lucene vector formats for a field's parameters. */
final class QuiverFormats {

    private QuiverFormats() {}

    static KnnVectorsFormat create(int m, int efConstruction, Quantization quantization) {
        // PLACEHOLDER until quiver-lucene lands: Lucene's HNSW behind the same seam.
        return new Lucene99HnswVectorsFormat(m, efConstruction);
    }
}
