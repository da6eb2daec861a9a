package dev.quiver.internal.hnsw;

import dev.quiver.Metric;
import dev.quiver.simd.VectorOps;
import dev.quiver.storage.FloatSlab;
import dev.quiver.storage.VectorSlab;

import java.lang.foreign.MemorySegment;

/**
 * The vectors of an index, verbatim, slot-major in a {@link VectorSlab}, and their L2 norms in a parallel
 * {@link FloatSlab} (so cosine never recomputes a stored vector's norm). Also the one place that knows how each
 * {@link Metric} turns a kernel result into a distance (ascending = nearer).
 */
final class VectorSlabs implements AutoCloseable, BulkDistances.Norms {

    private final int dim;
    private final Metric metric;
    private final VectorSlab vectors;
    private final FloatSlab norms;

    VectorSlabs(int dim, Metric metric) {
        this(dim, metric, new VectorSlab(Slabs.allocate(VectorSlab.recordStrideBytes(dim)), dim),
                new FloatSlab(Slabs.allocate(Float.BYTES)));
    }

    /**
     * Over slabs as given; vectors mapped from a saved file move in the background into anonymous memory that may use
     * transparent huge pages ({@link dev.quiver.storage.Slab#moveMappedToAnonymousInBackground}): a search touches
     * vectors at random across the whole slab, and 2 MiB pages save a page walk on most of those reads. The open stays
     * instant (searches read the mapping meanwhile) and the file is never written, as before.
     */
    VectorSlabs(int dim, Metric metric, VectorSlab vectors, FloatSlab norms) {
        this.dim = dim;
        this.metric = metric;
        this.vectors = vectors;
        this.norms = norms;
        vectors.slab().moveMappedToAnonymousInBackground();
    }

    int dim() {
        return dim;
    }

    /**
     * Floats the kernels read per record: {@code dim} rounded up to whole 64-byte lines where that adds at most a
     * quarter ({@link VectorSlab#recordStrideBytes}), the padding zeros; exactly {@code dim} otherwise, and for vectors
     * saved before that layout. A query zero-padded to this length ({@link #padded}) lets the kernels run whole vector
     * steps with no tail: about 10% less CPU per 100-d search (bench/results/session5.md). Unpadded queries give the
     * same distances, a little slower.
     */
    int kernelDim() {
        return vectors.strideFloats();
    }

    /** {@code q} zero-padded to {@link #kernelDim} floats (itself when already that long). */
    float[] padded(float[] q) {
        int n = kernelDim();
        return q.length >= n ? q : java.util.Arrays.copyOf(q, n);
    }

    Metric metric() {
        return metric;
    }

    VectorSlab vectors() {
        return vectors;
    }

    FloatSlab norms() {
        return norms;
    }

    void ensureCapacity(int slots) {
        vectors.ensureCapacity(slots);
        norms.ensureCapacity(slots);
    }

    void write(int slot, float[] vector) {
        vectors.set(slot, vector);
        norms.set(slot, (float) Math.sqrt(VectorOps.normSquared(vector)));
    }

    /** Copies the {@code dim} floats of {@code slot} into {@code dst} (a longer {@code dst} keeps its tail). */
    void read(int slot, float[] dst) {
        vectors.get(slot, dst);
    }

    MemorySegment chunk(int slot) {
        return vectors.chunkFor(slot);
    }

    long offset(int slot) {
        return vectors.offsetInChunk(slot);
    }

    @Override
    public float norm(int slot) {
        return norms.get(slot);
    }

    /** Whether the stored vector of {@code slot} equals {@code vector} bit for bit. */
    boolean sameAs(int slot, float[] vector) {
        MemorySegment seg = chunk(slot);
        long off = offset(slot);
        for (int i = 0; i < dim; i++) {
            float stored = seg.get(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, off + (long) i * Float.BYTES);
            if (Float.floatToRawIntBits(stored) != Float.floatToRawIntBits(vector[i])) {
                return false;
            }
        }
        return true;
    }

    /** Distance of query {@code q} (with L2 norm {@code qNorm}) to the stored vector of {@code slot}. */
    float distance(float[] q, float qNorm, int slot) {
        MemorySegment seg = chunk(slot);
        long off = offset(slot);
        return switch (metric) {
            case EUCLIDEAN -> VectorOps.squareDistance(q, seg, off);
            case DOT_PRODUCT -> -VectorOps.dot(q, seg, off);
            case COSINE -> VectorOps.cosineDistance(VectorOps.dot(q, seg, off), qNorm, norm(slot));
        };
    }

    /**
     * {@code out[i]} = distance of {@code q} to {@code slots[i]} for {@code i < count}, through the bulk kernels
     * ({@link BulkDistances}). {@code segs}/{@code offs} are caller scratch of length at least {@code count}.
     */
    void distances(float[] q, float qNorm, int[] slots, int count, float[] out, MemorySegment[] segs, long[] offs,
                   float[] normScratch) {
        for (int i = 0; i < count; i++) {
            int s = slots[i];
            segs[i] = vectors.chunkFor(s);
            offs[i] = vectors.offsetInChunk(s);
        }
        BulkDistances.of(metric, q, qNorm, slots, count, segs, offs, out, this, normScratch);
    }

    /** Distance between two query vectors given on the heap (the reference definition used by tests). */
    static float distance(Metric metric, float[] a, float[] b) {
        return switch (metric) {
            case EUCLIDEAN -> VectorOps.squareDistance(a, b);
            case DOT_PRODUCT -> -VectorOps.dot(a, b);
            case COSINE -> VectorOps.cosineDistance(a, b);
        };
    }

    /** Off-heap bytes reserved. */
    long reservedBytes() {
        return vectors.slab().chunkBytes() * vectors.slab().chunkCount() + norms.slab().chunkBytes() * norms.slab().chunkCount();
    }

    @Override
    public void close() {
        vectors.close();
        norms.close();
    }
}
