package dev.quiver.lucene;

import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.VectorEncoding;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.DataInput;
import org.apache.lucene.store.DataOutput;

import java.io.IOException;

/**
 * Where one float field's data sits in the segment's data file, as recorded in the metadata file. Regions: vectors
 * ({@code size * dim} floats), norms ({@code size} floats), the ordinal-to-doc map ({@code size} ints, absent when
 * ordinal = doc for every doc of the segment), the graph ({@code FrozenGraph} layout). All little-endian.
 */
record FieldEntry(int fieldNumber, VectorSimilarityFunction similarity, int dim, int size, long vectorsOffset,
                  long normsOffset, long ordToDocOffset, long graphOffset, long graphLength, int m, int entry,
                  int topLevel, int upperRecords) {

    /** Marks the end of the field list in the metadata file. */
    static final int END = -1;

    boolean dense() {
        return ordToDocOffset < 0;
    }

    void write(DataOutput out) throws IOException {
        out.writeInt(fieldNumber);
        out.writeInt(similarity.ordinal());
        out.writeVInt(dim);
        out.writeVInt(size);
        out.writeVLong(vectorsOffset);
        out.writeVLong(normsOffset);
        out.writeLong(ordToDocOffset);
        out.writeVLong(graphOffset);
        out.writeVLong(graphLength);
        out.writeVInt(m);
        out.writeInt(entry);
        out.writeVInt(topLevel);
        out.writeVInt(upperRecords);
    }

    /** Reads the entry of {@code fieldNumber} (already read) and checks it against the field's schema. */
    static FieldEntry read(DataInput in, int fieldNumber, FieldInfo info) throws IOException {
        int simOrdinal = in.readInt();
        VectorSimilarityFunction[] sims = VectorSimilarityFunction.values();
        if (simOrdinal < 0 || simOrdinal >= sims.length) {
            throw new CorruptIndexException("unknown similarity ordinal " + simOrdinal, in.toString());
        }
        FieldEntry e = new FieldEntry(fieldNumber, sims[simOrdinal], in.readVInt(), in.readVInt(), in.readVLong(),
                in.readVLong(), in.readLong(), in.readVLong(), in.readVLong(), in.readVInt(), in.readInt(),
                in.readVInt(), in.readVInt());
        if (info == null) {
            throw new CorruptIndexException("metadata names unknown field number " + fieldNumber, in.toString());
        }
        if (info.getVectorEncoding() != VectorEncoding.FLOAT32 || info.getVectorDimension() != e.dim
                || info.getVectorSimilarityFunction() != e.similarity) {
            throw new CorruptIndexException("field \"" + info.name + "\" is " + info.getVectorEncoding() + " dim "
                    + info.getVectorDimension() + " " + info.getVectorSimilarityFunction() + " but the segment holds"
                    + " FLOAT32 dim " + e.dim + " " + e.similarity, in.toString());
        }
        return e;
    }
}
