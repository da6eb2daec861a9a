package dev.quiver.internal.hnsw;

import java.util.Arrays;
import java.util.function.IntPredicate;

/** Rebuilds an index from its live slots only, dropping tombstones and the holes they leave. */
final class IndexCompaction {

    /** Vectors copied to the heap at a time while compacting. */
    static final int BATCH = 16_384;

    private IndexCompaction() {
    }

    /**
     * Builds the slots of {@code index} that {@code live} accepts into a new index with the same config (SQ8
     * re-trained when {@code quantize}), in slot order, and returns it with the old-to-new slot map. {@code index}
     * stays searchable meanwhile.
     */
    static CompactionResult compact(HnswIndex index, IntPredicate live, boolean quantize) {
        int total = index.totalSlots();
        int[] oldToNew = new int[total];
        int n = 0;
        for (int s = 0; s < total; s++) {
            oldToNew[s] = live.test(s) ? n++ : -1;
        }
        HnswIndex fresh = HnswIndex.create(index.config());
        try {
            // In batches, so the heap holds one batch of vectors, not a copy of the whole index.
            float[][] batch = new float[Math.min(n, BATCH)][];
            int filled = 0;
            for (int s = 0; s < total; s++) {
                if (oldToNew[s] < 0) {
                    continue;
                }
                batch[filled++] = index.vector(s);
                if (filled == batch.length) {
                    fresh.insertBatch(batch);
                    filled = 0;
                }
            }
            if (filled > 0) {
                fresh.insertBatch(Arrays.copyOf(batch, filled));
            }
            if (quantize) {
                fresh.enableQuantization();
            }
        } catch (RuntimeException | Error e) {
            fresh.close(); // a build that fails half-way leaves no slabs behind
            throw e;
        }
        return new CompactionResult(fresh, oldToNew);
    }
}
