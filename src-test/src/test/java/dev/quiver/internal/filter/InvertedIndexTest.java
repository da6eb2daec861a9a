package dev.quiver.internal.filter;

import dev.quiver.CorruptDataException;
import dev.quiver.Filter;
import dev.quiver.internal.meta.MetadataCodec;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.roaringbitmap.RoaringBitmap;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InvertedIndexTest {

    /** The index under test beside the plain truth: live slot -> metadata. */
    private static final class Fixture {
        InvertedIndex index = new InvertedIndex();
        final Map<Integer, Map<String, Object>> live = new HashMap<>();
        int nextSlot;

        void add(Map<String, Object> md) {
            int slot = nextSlot++;
            index.add(slot, md);
            live.put(slot, md);
        }

        RoaringBitmap bruteForce(Filter f) {
            RoaringBitmap out = new RoaringBitmap();
            live.forEach((slot, md) -> {
                if (FilterEvaluator.matches(f, md)) {
                    out.add(slot);
                }
            });
            return out;
        }
    }

    private static Map<String, Object> md(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return MetadataCodec.validate(m);
    }

    @Test
    void equalityInAndRangesResolveExactly() {
        Fixture fx = new Fixture();
        fx.add(md("cat", "sci", "n", 10L));
        fx.add(md("cat", "art", "n", 10.0));
        fx.add(md("cat", null, "n", 2.5));
        fx.add(null);
        fx.add(md("cat", List.of("sci"), "n", "10"));
        assertResolves(fx, Filter.eq("cat", "sci"), true, 0);
        assertResolves(fx, Filter.eq("n", 10), true, 0, 1);
        assertResolves(fx, Filter.eq("cat", null), true, 2);
        assertResolves(fx, Filter.in("cat", "art", null), true, 1, 2);
        assertResolves(fx, Filter.gte("n", 2.5), true, 0, 1, 2);
        assertResolves(fx, Filter.gt("n", 2.5), true, 0, 1);
        assertResolves(fx, Filter.lt("n", 10), true, 2);
        assertResolves(fx, Filter.exists("cat", false), true, 3);
        assertResolves(fx, Filter.ne("cat", "sci"), true, 1, 2, 3, 4);
        assertResolves(fx, Filter.all(), true, 0, 1, 2, 3, 4);
        assertResolves(fx, new Filter.Or(List.of()), true);
        // Arrays are not keyed: a superset to be checked, then the exact answer.
        Resolution r = fx.index.resolve(Filter.eq("cat", List.of("sci")));
        assertEquals(false, r.exact());
        assertEquals(RoaringBitmap.bitmapOf(4), fx.index.matching(Filter.eq("cat", List.of("sci")), fx.live::get));
    }

    private static void assertResolves(Fixture fx, Filter f, boolean exact, int... slots) {
        Resolution r = fx.index.resolve(f);
        assertEquals(exact, r.exact(), f.toJson());
        assertArrayEquals(slots, r.candidates().toArray(), f.toJson());
        assertEquals(slots.length, fx.index.count(f, fx.live::get), f.toJson());
    }

    @Test
    void countIsExactForMixedAnd() {
        // vctrs over-counts {"cat": "x", "score": {"$gt": 5}} by ignoring the range (§2.7).
        Fixture fx = new Fixture();
        fx.add(md("cat", "x", "score", 1L));
        fx.add(md("cat", "x", "score", 7L));
        fx.add(md("cat", "y", "score", 9L));
        fx.add(md("cat", "x", "tags", List.of(1L)));
        assertEquals(1, fx.index.count(Filter.parse("{\"cat\": \"x\", \"score\": {\"$gt\": 5}}"), fx.live::get));
        assertEquals(1, fx.index.count(Filter.parse("{\"cat\": \"x\", \"tags\": [1]}"), fx.live::get));
    }

    @Test
    @Tag("scalar-path")
    void resolveAgreesWithBruteForceUnderRandomChurn() throws IOException {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        Fixture fx = new Fixture();
        for (int round = 0; round < 40; round++) {
            for (int op = 0; op < 25; op++) {
                int choice = rnd.nextInt(10);
                List<Integer> slots = new ArrayList<>(fx.live.keySet());
                if (choice < 5 || slots.isEmpty()) {
                    fx.add(FilterEvaluatorTest.randomMetadata(rnd));
                } else if (choice < 8) {
                    int slot = slots.get(rnd.nextInt(slots.size()));
                    Map<String, Object> next = FilterEvaluatorTest.randomMetadata(rnd);
                    fx.index.replace(slot, fx.live.get(slot), next);
                    fx.live.put(slot, next);
                } else {
                    int slot = slots.get(rnd.nextInt(slots.size()));
                    fx.index.remove(slot, fx.live.remove(slot));
                }
            }
            InvertedIndex reread = round % 10 == 9 ? reread(fx.index) : null;
            if (round % 7 == 3) {
                // Continue on a reopened index: later writes land in the heap layer over the file layer.
                byte[] before = bytes(fx.index);
                fx.index = InvertedIndex.readFrom(MemorySegment.ofArray(before), "round-" + round + ".idx");
                assertArrayEquals(before, bytes(fx.index), "a reopened index writes the same bytes, seed " + seed);
            }
            for (int q = 0; q < 40; q++) {
                Filter f = RandomFilters.filter(rnd, 3);
                String msg = "seed " + seed + " round " + round + " filter " + f.toJson();
                RoaringBitmap truth = fx.bruteForce(f);
                Resolution r = fx.index.resolve(f);
                if (r.exact()) {
                    assertEquals(truth, r.candidates(), msg);
                } else {
                    assertTrue(RoaringBitmap.andNot(truth, r.candidates()).isEmpty(), "not a superset: " + msg);
                }
                assertEquals(truth, fx.index.matching(f, fx.live::get), msg);
                assertEquals(truth, fx.index.matchingEncoded(f, slot -> encode(fx.live.get(slot))), "encoded: " + msg);
                assertEquals(truth.getLongCardinality(), fx.index.count(f, fx.live::get), msg);
                if (reread != null) {
                    assertEquals(truth, reread.matching(f, fx.live::get), "after write/read: " + msg);
                }
            }
            RoaringBitmap liveSet = new RoaringBitmap();
            fx.live.keySet().forEach(liveSet::add);
            assertEquals(liveSet, fx.index.liveSlots(), "seed " + seed);
        }
        // A rebuilt index answers like the maintained one, and writes the same bytes (deterministic format).
        RoaringBitmap liveSet = fx.index.liveSlots();
        InvertedIndex rebuilt = InvertedIndex.rebuild(liveSet, fx.live::get);
        assertArrayEquals(bytes(fx.index), bytes(rebuilt), "seed " + seed);
    }

    private static byte[] encode(Map<String, Object> md) {
        return md == null ? null : MetadataCodec.encode(md);
    }

    private static byte[] bytes(InvertedIndex index) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        index.writeTo(out);
        return out.toByteArray();
    }

    private static InvertedIndex reread(InvertedIndex index) throws IOException {
        return InvertedIndex.readFrom(MemorySegment.ofArray(bytes(index)), "test.idx");
    }

    @Test
    void damagedIndexFileIsRejected() throws IOException {
        Fixture fx = new Fixture();
        fx.add(md("a", "x", "n", 1.5));
        byte[] good = bytes(fx.index);
        for (int i = 0; i < good.length; i += 3) {
            byte[] bad = good.clone();
            bad[i] ^= 0x40;
            CorruptDataException e = assertThrows(CorruptDataException.class,
                    () -> InvertedIndex.readFrom(MemorySegment.ofArray(bad), "meta.idx"));
            assertTrue(e.getMessage().startsWith("corrupt data: meta.idx: "), e.getMessage());
        }
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 7);
        assertThrows(CorruptDataException.class, () -> InvertedIndex.readFrom(MemorySegment.ofArray(truncated), "meta.idx"));
        assertThrows(CorruptDataException.class, () -> InvertedIndex.readFrom(MemorySegment.ofArray(new byte[2]), "meta.idx"));
    }
}
