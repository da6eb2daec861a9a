package dev.quiver.lucene;

import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.VectorScorer;

import java.io.IOException;

/** A float field's raw vectors, read from the segment's vector region (one reusable buffer per instance). */
final class SegmentVectorValues extends FloatVectorValues {

    private final SegmentField field;
    private final float[] buffer;
    private int bufferedOrd = -1;

    SegmentVectorValues(SegmentField field) {
        this.field = field;
        this.buffer = new float[field.entry().dim()];
    }

    @Override
    public float[] vectorValue(int ord) throws IOException {
        if (ord < 0 || ord >= field.size()) {
            throw new IndexOutOfBoundsException("ordinal " + ord + " outside [0, " + field.size() + ")");
        }
        if (ord != bufferedOrd) {
            field.vectors().read(ord, buffer);
            bufferedOrd = ord;
        }
        return buffer;
    }

    @Override
    public int dimension() {
        return field.entry().dim();
    }

    @Override
    public int size() {
        return field.size();
    }

    @Override
    public int ordToDoc(int ord) {
        return field.ordToDoc(ord);
    }

    @Override
    public DocIndexIterator iterator() {
        return field.entry().dense() ? createDenseIterator() : createSparseIterator();
    }

    @Override
    public SegmentVectorValues copy() {
        return new SegmentVectorValues(field);
    }

    @Override
    public VectorScorer scorer(float[] target) {
        if (target.length != dimension()) {
            throw new IllegalArgumentException("vector query dimension: " + target.length
                    + " differs from field dimension: " + dimension());
        }
        if (size() == 0) {
            return null; // Lucene's contract: no scorer for a field without vectors
        }
        SegmentVectorValues values = copy();
        VectorSimilarityFunction sim = field.entry().similarity();
        DocIndexIterator it = values.iterator();
        return new VectorScorer() {
            @Override
            public float score() throws IOException {
                return sim.compare(target, values.vectorValue(it.index()));
            }

            @Override
            public DocIdSetIterator iterator() {
                return it;
            }
        };
    }
}
