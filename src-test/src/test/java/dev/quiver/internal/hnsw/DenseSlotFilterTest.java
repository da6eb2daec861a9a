package dev.quiver.internal.hnsw;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link DenseSlotFilter} against a {@link BitSet} model: membership, count, enumeration below a limit. */
class DenseSlotFilterTest {

    @Test
    void matchesABitSetModel() {
        for (long seed = 1; seed <= 20; seed++) {
            SplittableRandom rnd = new SplittableRandom(seed);
            int bound = 1 + rnd.nextInt(1000);
            BitSet model = new BitSet();
            DenseSlotFilter.Builder b = new DenseSlotFilter.Builder(rnd.nextInt(bound + 1));
            int adds = rnd.nextInt(bound);
            for (int i = 0; i < adds; i++) {
                int s = rnd.nextInt(bound);
                model.set(s);
                b.accept(s); // duplicates and slots past the capacity hint included
            }
            DenseSlotFilter f = b.build();
            assertEquals(model.cardinality(), f.estimatedCount(), "count, seed " + seed);
            for (int s = 0; s < bound + 130; s++) {
                assertEquals(model.get(s), f.accept(s), "slot " + s + ", seed " + seed);
            }
            int limit = rnd.nextInt(bound + 1);
            List<Integer> seen = new ArrayList<>();
            assertTrue(f.forEachAccepted(limit, seen::add));
            List<Integer> expected = new ArrayList<>();
            for (int s = model.nextSetBit(0); s >= 0 && s < limit; s = model.nextSetBit(s + 1)) {
                expected.add(s);
            }
            assertEquals(expected, seen, "enumeration below " + limit + ", seed " + seed);
        }
    }

    @Test
    void edgesOfTheWords() {
        DenseSlotFilter f = DenseSlotFilter.of(0, 63, 64, 127, 128);
        assertEquals(5, f.estimatedCount());
        assertTrue(f.accept(63) && f.accept(64) && f.accept(128));
        assertFalse(f.accept(1) || f.accept(65) || f.accept(129) || f.accept(1 << 20));
        assertEquals(0, DenseSlotFilter.of().estimatedCount());
        assertFalse(DenseSlotFilter.of().accept(0));
    }

    @Test
    void negativeSlotsAndCapacitiesAreRejected() {
        DenseSlotFilter.Builder b = new DenseSlotFilter.Builder(8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.accept(-3));
        assertTrue(e.getMessage().contains("-3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new DenseSlotFilter.Builder(-1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
    }
}
