package dev.quiver.internal.hnsw;

import dev.quiver.Metric;
import dev.quiver.simd.VectorOps;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Read-only float32 vectors, ordinal-major and contiguous ({@code dim * 4} bytes each, little-endian) in one
 * {@link MemorySegment}, with their L2 norms in a second one (so cosine never recomputes a stored norm). Distances
 * follow {@link VectorStore}: ascending = nearer (squared L2, negative dot, 1 - cos), through the same SIMD kernels
 * reading the segment in place.
 */
public final class FrozenVectors implements BulkDistances.Norms {

    static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment vectors;
    private final MemorySegment norms;
    private final int dim;
    private final int size;
    private final long stride;
    private final Metric metric;

    public FrozenVectors(MemorySegment vectors, MemorySegment norms, int dim, int size, Metric metric) {
        if (dim < 1 || size < 0 || metric == null) {
            throw new IllegalArgumentException("bad vectors shape: dim " + dim + ", size " + size + ", " + metric);
        }
        if (vectors.byteSize() != (long) dim * size * Float.BYTES || norms.byteSize() != (long) size * Float.BYTES) {
            throw new IllegalArgumentException(size + " vectors of dim " + dim + " need " + (long) dim * size * 4
                    + " + " + size * 4L + " bytes, got " + vectors.byteSize() + " + " + norms.byteSize());
        }
        this.vectors = vectors;
        this.norms = norms;
        this.dim = dim;
        this.size = size;
        this.stride = (long) dim * Float.BYTES;
        this.metric = metric;
    }

    public int dim() {
        return dim;
    }

    public int size() {
        return size;
    }

    public Metric metric() {
        return metric;
    }

    /** Copies vector {@code ord} into {@code dst}. */
    public void read(int ord, float[] dst) {
        MemorySegment.copy(vectors, FLOAT, ord * stride, dst, 0, dim);
    }

    @Override
    public float norm(int ord) {
        return norms.get(FLOAT, (long) ord * Float.BYTES);
    }

    /** Distance of {@code q} (L2 norm {@code qNorm}) to vector {@code ord}; ascending = nearer. */
    public float distance(float[] q, float qNorm, int ord) {
        long off = ord * stride;
        return switch (metric) {
            case EUCLIDEAN -> VectorOps.squareDistance(q, vectors, off);
            case DOT_PRODUCT -> -VectorOps.dot(q, vectors, off);
            case COSINE -> VectorOps.cosineDistance(VectorOps.dot(q, vectors, off), qNorm, norm(ord));
        };
    }

    /** The L2 norm of a query, as the distances above expect it. */
    public static float norm(float[] q) {
        return (float) Math.sqrt(VectorOps.normSquared(q));
    }

    QueryScorer scorer(float[] q) {
        return new Scorer(q, norm(q));
    }

    /** Bulk scoring of one query: the four-at-a-time kernels over the segment. */
    private final class Scorer implements QueryScorer {
        private final float[] q;
        private final float qNorm;

        Scorer(float[] q, float qNorm) {
            this.q = q;
            this.qNorm = qNorm;
        }

        @Override
        public float score(int slot) {
            return distance(q, qNorm, slot);
        }

        @Override
        public void score(int[] slots, int count, float[] out, SearchState state) {
            MemorySegment[] segs = state.segs;
            long[] offs = state.offs;
            for (int i = 0; i < count; i++) {
                segs[i] = vectors;
                offs[i] = slots[i] * stride;
            }
            BulkDistances.of(metric, q, qNorm, slots, count, segs, offs, out, FrozenVectors.this, state.norms);
        }
    }
}
