package dev.quiver.internal.hnsw;

import dev.quiver.Metric;
import dev.quiver.simd.VectorOps;

import java.lang.foreign.MemorySegment;

/**
 * Distances of one query to several stored vectors through the bulk kernels (several candidates per pass, so their
 * memory loads overlap), shared by the live index's {@link VectorSlabs} and the Lucene format's {@link FrozenVectors}.
 * Smaller is nearer: squared L2, negated dot product, or cosine distance from the stored norms.
 */
final class BulkDistances {

    /** The stored norm of a slot, for cosine. */
    interface Norms {
        float norm(int slot);
    }

    private BulkDistances() {
    }

    /**
     * {@code out[i]} = distance of {@code q} (norm {@code qNorm}) to the vector at {@code segs[i]}/{@code offs[i]},
     * which is slot {@code slots[i]}, for {@code i < count}. {@code normScratch} holds at least {@code count} floats
     * (cosine reads the stored norms into it).
     */
    static void of(Metric metric, float[] q, float qNorm, int[] slots, int count, MemorySegment[] segs, long[] offs,
                   float[] out, Norms norms, float[] normScratch) {
        switch (metric) {
            case EUCLIDEAN -> VectorOps.squareDistanceBulk(q, segs, offs, count, out);
            case DOT_PRODUCT -> {
                VectorOps.dotBulk(q, segs, offs, count, out);
                for (int i = 0; i < count; i++) {
                    out[i] = -out[i];
                }
            }
            case COSINE -> {
                // The norms first: their loads (a miss apiece on a large index) then overlap the kernel's.
                for (int i = 0; i < count; i++) {
                    normScratch[i] = norms.norm(slots[i]);
                }
                VectorOps.dotBulk(q, segs, offs, count, out);
                VectorOps.cosineDistances(out, qNorm, normScratch, count);
            }
        }
    }
}
