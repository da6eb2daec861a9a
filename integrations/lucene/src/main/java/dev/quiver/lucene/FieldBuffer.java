package dev.quiver.lucene;

import org.apache.lucene.codecs.KnnFieldVectorsWriter;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.util.ArrayUtil;
import org.apache.lucene.util.RamUsageEstimator;

import java.util.ArrayList;
import java.util.List;

/** One float field's vectors of the segment being written, buffered in doc order until flush. */
final class FieldBuffer extends KnnFieldVectorsWriter<float[]> {

    private static final long SHALLOW = RamUsageEstimator.shallowSizeOfInstance(FieldBuffer.class);

    final FieldInfo fieldInfo;
    final List<float[]> vectors = new ArrayList<>();
    private int[] docs = new int[16];
    private int lastDoc = -1;

    FieldBuffer(FieldInfo fieldInfo) {
        this.fieldInfo = fieldInfo;
    }

    @Override
    public void addValue(int docID, float[] vector) {
        if (docID <= lastDoc) {
            // Lucene's wording (its own formats and test suite use it): docs arrive in order, so this is a repeat.
            throw new IllegalArgumentException("VectorValuesField \"" + fieldInfo.name
                    + "\" appears more than once in this document (only one value is allowed per field)");
        }
        if (vector.length != fieldInfo.getVectorDimension()) {
            throw new IllegalArgumentException("field \"" + fieldInfo.name + "\" has dimension "
                    + fieldInfo.getVectorDimension() + ", got a vector of " + vector.length);
        }
        docs = ArrayUtil.grow(docs, vectors.size() + 1);
        docs[vectors.size()] = docID;
        vectors.add(copyValue(vector));
        lastDoc = docID;
    }

    @Override
    public float[] copyValue(float[] vector) {
        return vector.clone();
    }

    /** Doc of each ordinal, ascending. */
    int[] docs() {
        return java.util.Arrays.copyOf(docs, vectors.size());
    }

    @Override
    public long ramBytesUsed() {
        long perVector = RamUsageEstimator.NUM_BYTES_ARRAY_HEADER
                + (long) fieldInfo.getVectorDimension() * Float.BYTES + RamUsageEstimator.NUM_BYTES_OBJECT_REF;
        return SHALLOW + vectors.size() * perVector + RamUsageEstimator.sizeOf(docs);
    }
}
