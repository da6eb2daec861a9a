package dev.quiver.internal.filter;

import dev.quiver.Filter;
import dev.quiver.internal.meta.MetadataCodec;
import org.junit.jupiter.api.Test;
import org.roaringbitmap.RoaringBitmap;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class InvertedIndexConcurrencyTest {

    /**
     * Readers resolving while a writer churns other slots: the stable slots' answers never change, and nothing
     * throws (no torn bitmaps, no concurrent-modification failures).
     */
    @Test
    void readersSeeStableSlotsUnchangedWhileAWriterChurns() throws InterruptedException {
        InvertedIndex index = new InvertedIndex();
        int stable = 500;
        for (int slot = 0; slot < stable; slot++) {
            index.add(slot, MetadataCodec.validate(Map.of("cat", "c" + slot % 5, "n", slot % 50)));
        }
        Filter eq = Filter.eq("cat", "c2");
        Filter range = Filter.and(Filter.gte("n", 10), Filter.lt("n", 20));
        RoaringBitmap stableSlots = RoaringBitmap.bitmapOfRange(0, stable);
        RoaringBitmap expectEq = RoaringBitmap.and(index.resolve(eq).candidates(), stableSlots);
        RoaringBitmap expectRange = RoaringBitmap.and(index.resolve(range).candidates(), stableSlots);

        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long seed = System.nanoTime();
        Thread writer = new Thread(() -> {
            Random rnd = new Random(seed);
            List<Map<String, Object>> current = new ArrayList<>();
            try {
                // Unique values make the writer grow and shrink the value maps and the numeric key set that the
                // readers are looking up and iterating: unguarded, that shows as lost answers or exceptions.
                for (int i = 0; i < 20000 && failure.get() == null; i++) {
                    int k = current.size();
                    Map<String, Object> md = MetadataCodec.validate(Map.of("cat", "w" + i, "n", 1000 + i));
                    if (k > 0 && rnd.nextInt(3) == 0) {
                        int j = rnd.nextInt(k);
                        index.replace(stable + j, current.get(j), md);
                        current.set(j, md);
                    } else {
                        index.add(stable + k, md);
                        current.add(md);
                    }
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            } finally {
                stop.set(true);
            }
        });
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            readers.add(new Thread(() -> {
                try {
                    while (!stop.get() && failure.get() == null) {
                        assertEquals(expectEq, RoaringBitmap.and(index.resolve(eq).candidates(), stableSlots));
                        assertEquals(expectRange, RoaringBitmap.and(index.resolve(range).candidates(), stableSlots));
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }));
        }
        writer.start();
        readers.forEach(Thread::start);
        writer.join();
        for (Thread t : readers) {
            t.join();
        }
        assertNull(failure.get(), () -> "seed " + seed + ": " + failure.get());
    }
}
