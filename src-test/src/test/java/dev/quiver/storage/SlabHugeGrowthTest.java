package dev.quiver.storage;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Growth past 8 MiB takes chunks from huge-page blocks: records written across the boundary and across blocks read
 * back as a model says, fresh chunks are zero, small slabs take no huge-page memory, and closing gives the budget
 * back. Seed in the messages.
 */
class SlabHugeGrowthTest {

    @Test
    void recordsSurviveGrowthIntoHugePageBlocks() {
        assumeTrue(HugePages.available(), "no transparent huge pages or no native access here");
        int dim = 25; // 100-byte records: chunks are not a divisor of a block
        int shift = 11;
        long seed = 20261205L + 11;
        SplittableRandom random = new SplittableRandom(seed);
        long heldBefore = HugePages.heldBytes();
        int records = 400_000; // 40 MB
        float[][] model = new float[records][];
        try (VectorSlab slab = new VectorSlab(Slab.allocate(dim * 4L, shift), dim)) {
            float[] row = new float[dim];
            for (int grownTo = 50_000; grownTo <= records; grownTo += 50_000) {
                slab.ensureCapacity(grownTo);
                float[] fresh = new float[dim];
                slab.get(grownTo - 1, fresh);
                assertArrayEquals(new float[dim], fresh, "a fresh chunk is zero, seed " + seed);
                for (int w = 0; w < 20_000; w++) {
                    int r = random.nextInt(grownTo);
                    for (int j = 0; j < dim; j++) {
                        row[j] = (float) random.nextGaussian();
                    }
                    slab.set(r, row);
                    model[r] = row.clone();
                }
            }
            assertTrue(HugePages.heldBytes() > heldBefore, "growth past 8 MiB took huge-page blocks");
            float[] back = new float[dim];
            for (int r = 0; r < records; r++) {
                slab.get(r, back);
                assertArrayEquals(model[r] == null ? new float[dim] : model[r], back, "record " + r + ", seed " + seed);
            }
            for (int c = 0; c < slab.slab().chunkCount(); c++) {
                assertEquals(0, slab.slab().chunk(c).address() % 64, "chunk " + c + " is line-aligned");
            }
        }
        assertEquals(heldBefore, HugePages.heldBytes(), "closing gives the budget back");
    }

    @Test
    void smallSlabsTakeNoHugePageMemory() {
        long heldBefore = HugePages.heldBytes();
        try (VectorSlab slab = new VectorSlab(Slab.allocate(64, 10), 16)) {
            slab.ensureCapacity(100_000); // 6.4 MB, under the 8 MiB threshold
            assertEquals(heldBefore, HugePages.heldBytes());
        }
    }
}
