package dev.quiver.internal.hnsw;

import dev.quiver.Metric;
import org.junit.jupiter.api.Test;

import java.util.BitSet;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HnswFilterAndQuantTest {

    /** A bitmap filter that can enumerate, as the filter module's RoaringBitmap adapter will. */
    record BitSetFilter(BitSet bits) implements SlotFilter {
        @Override
        public boolean accept(int slot) {
            return bits.get(slot);
        }

        @Override
        public int estimatedCount() {
            return bits.cardinality();
        }

        @Override
        public boolean forEachAccepted(int limit, IntConsumer consumer) {
            for (int s = bits.nextSetBit(0); s >= 0 && s < limit; s = bits.nextSetBit(s + 1)) {
                consumer.accept(s);
            }
            return true;
        }
    }

    @Test
    void selectiveFilterScansTheAcceptedSlotsExactly() {
        int dim = 7;
        SplittableRandom rnd = new SplittableRandom(31);
        float[][] data = TestData.uniform(rnd, 3000, dim);
        try (HnswIndex index = HnswIndex.create(new HnswConfig(dim, Metric.COSINE, 8, 64, 31, 2, 0))) {
            index.insertBatch(data);
            boolean[] live = new boolean[data.length];
            java.util.Arrays.fill(live, true);
            for (int s = 0; s < data.length; s += 4) {
                index.delete(s);
                live[s] = false;
            }
            BitSet bits = new BitSet();
            for (int i = 0; i < 40; i++) {
                bits.set(rnd.nextInt(data.length));
            }
            SlotFilter filter = new BitSetFilter(bits);
            boolean[] mask = new boolean[data.length];
            for (int s = 0; s < data.length; s++) {
                mask[s] = live[s] && bits.get(s);
            }
            for (int t = 0; t < 20; t++) {
                float[] q = TestData.uniform(rnd, 1, dim)[0];
                int[] truth = TestData.bruteForce(Metric.COSINE, data, mask, q, 10);
                for (SearchMode mode : SearchMode.values()) {
                    SearchHits hits = index.search(q, 10, 50, filter, mode);
                    assertEquals(truth.length, hits.size(), mode.toString());
                    HnswIndexModelTest.assertWellFormed(hits, Metric.COSINE, data, mask, q, mode.toString());
                    if (mode != SearchMode.GRAPH) {
                        // AUTO chose the exact path for 40 accepted of 3000.
                        assertArrayEquals(truth, java.util.Arrays.copyOf(hits.slots(), hits.size()), mode.toString());
                    }
                }
            }
            SearchHits none = index.search(data[1], 5, 50, new BitSetFilter(new BitSet()), SearchMode.AUTO);
            assertEquals(0, none.size());
        }
    }

    @Test
    void quantizerRetrainsWhenInsertedDataDrifts() {
        int dim = 16;
        SplittableRandom rnd = new SplittableRandom(41);
        try (HnswIndex index = HnswIndex.create(new HnswConfig(dim, Metric.EUCLIDEAN, 8, 64, 41, 2, 0)
                .withCodeWalk(CodeWalkRule.ALWAYS))) {
            index.insertBatch(TestData.uniform(rnd, 2000, dim));
            index.enableQuantization();
            float before = index.quantizer().scale();
            float[][] far = TestData.uniform(rnd, 8000, dim);
            for (float[] v : far) {
                for (int d = 0; d < dim; d++) {
                    v[d] *= 20;
                }
            }
            index.insertBatch(far);
            float after = index.quantizer().scale();
            assertNotEquals(before, after, "no retrain after 80% of the data fell outside the range");
            assertTrue(after > before * 5, "retrained scale " + after + " vs " + before);
            // Still a working quantized index.
            SearchHits hits = index.search(far[3], 1, 50, null, SearchMode.GRAPH);
            assertEquals(2003, hits.slots()[0]);
        }
    }
}
