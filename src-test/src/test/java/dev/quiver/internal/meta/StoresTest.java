package dev.quiver.internal.meta;

import dev.quiver.CorruptDataException;
import dev.quiver.InvalidArgumentException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** MetadataStore and IdMap against plain maps, across write/open cycles. */
class StoresTest {

    private interface Writer {
        void writeTo(ByteArrayOutputStream out) throws IOException;
    }

    private static byte[] bytes(Writer w) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        w.writeTo(out);
        return out.toByteArray();
    }

    /** Off-heap copy, as a mapped file would be. */
    private static MemorySegment offHeap(Arena arena, byte[] b) {
        MemorySegment s = arena.allocate(Math.max(1, b.length));
        MemorySegment.copy(b, 0, s, ValueLayout.JAVA_BYTE, 0, b.length);
        return s.asSlice(0, b.length);
    }

    @Test
    @Tag("scalar-path")
    void metadataStoreMatchesAModelAcrossReopens() throws IOException {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        Map<Integer, Map<String, Object>> model = new HashMap<>();
        MetadataStore store = new MetadataStore();
        int slots = 0;
        try (Arena arena = Arena.ofConfined()) {
            for (int cycle = 0; cycle < 6; cycle++) {
                for (int op = 0; op < 300; op++) {
                    int slot = rnd.nextInt(4) == 0 && slots > 0 ? rnd.nextInt(slots) : slots++;
                    Map<String, Object> md = rnd.nextInt(5) == 0 ? null
                            : MetadataCodec.validate(Map.of("i", (long) op, "s", "v" + rnd.nextInt(50), "e", Map.of()));
                    if (rnd.nextInt(10) == 0) {
                        md = MetadataCodec.validate(Map.of());
                    }
                    store.putMetadata(slot, md);
                    model.put(slot, md);
                }
                byte[] file = bytes(store::writeTo);
                store = MetadataStore.open(offHeap(arena, file), "metadata.bin");
                assertEquals(slots, store.slotCount(), "seed " + seed);
                for (int s = 0; s < slots + 2; s++) {
                    assertEquals(model.get(s), store.get(s), "seed " + seed + " slot " + s);
                }
                assertArrayEquals(file, bytes(store::writeTo), "an unchanged store writes the same bytes, seed " + seed);
            }
        }
        assertNull(new MetadataStore().get(5));
    }

    @Test
    void idMapMatchesAModelAcrossReopens() throws IOException {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        Map<String, Integer> model = new HashMap<>();
        TreeMap<Integer, String> bySlot = new TreeMap<>();
        IdMap ids = new IdMap();
        int nextSlot = 0;
        try (Arena arena = Arena.ofConfined()) {
            for (int cycle = 0; cycle < 6; cycle++) {
                for (int op = 0; op < 400; op++) {
                    String id = "id-" + rnd.nextInt(600) + (rnd.nextInt(20) == 0 ? "-\u00e9\uD83D\uDE00" : "");
                    if (rnd.nextInt(3) == 0) {
                        Integer expected = model.remove(id);
                        assertEquals(expected == null ? -1 : expected, ids.remove(id), "seed " + seed);
                        if (expected != null) {
                            bySlot.remove(expected);
                        }
                    } else if (!model.containsKey(id)) {
                        int slot = nextSlot;
                        nextSlot += 1 + (rnd.nextInt(10) == 0 ? 1 : 0); // sometimes a hole (a slot without an id)
                        ids.put(id, slot);
                        model.put(id, slot);
                        bySlot.put(slot, id);
                    }
                }
                check(ids, model, bySlot, seed);
                byte[] file = bytes(ids::writeTo);
                ids = IdMap.open(offHeap(arena, file), "ids.bin");
                check(ids, model, bySlot, seed);
                assertArrayEquals(file, bytes(ids::writeTo), "seed " + seed);
                IdMap reopened = ids;
                assertThrows(IllegalStateException.class, () -> reopened.put("never-seen", 0), "base slots are never reused");
            }
        }
    }

    private static void check(IdMap ids, Map<String, Integer> model, TreeMap<Integer, String> bySlot, long seed) {
        assertEquals(model.size(), ids.size(), "seed " + seed);
        assertEquals(new ArrayList<>(bySlot.values()), ids.ids(), "insertion order, seed " + seed);
        for (int i = 0; i < 620; i++) {
            String id = "id-" + i;
            assertEquals(model.getOrDefault(id, -1), ids.slotOf(id), "seed " + seed + " " + id);
            String uni = id + "-\u00e9\uD83D\uDE00";
            assertEquals(model.getOrDefault(uni, -1), ids.slotOf(uni), "seed " + seed + " " + uni);
        }
        bySlot.forEach((slot, id) -> assertEquals(id, ids.idOf(slot), "seed " + seed));
        assertNull(ids.idOf(-1));
        assertNull(ids.idOf(ids.slotCount()));
    }

    @Test
    void putRefusesLiveIdsAndTakenSlots() {
        IdMap ids = new IdMap();
        ids.put("a", 0);
        assertThrows(IllegalStateException.class, () -> ids.put("a", 1));
        assertThrows(IllegalStateException.class, () -> ids.put("b", 0));
        assertEquals(0, ids.remove("a"));
        assertEquals(-1, ids.remove("a"));
        assertTrue(!ids.contains("a"));
    }

    @Test
    void idsAreValidated() {
        assertEquals("id must be a non-empty string",
                assertThrows(InvalidArgumentException.class, () -> IdMap.validateId("")).getMessage());
        assertThrows(InvalidArgumentException.class, () -> IdMap.validateId(null));
        IdMap.validateId("x".repeat(IdMap.MAX_ID_BYTES));
        IdMap.validateId("\u00e9".repeat(IdMap.MAX_ID_BYTES / 2));
        IdMap.validateId("\uD83D\uDE00".repeat(IdMap.MAX_ID_BYTES / 4));
        InvalidArgumentException tooLong = assertThrows(InvalidArgumentException.class,
                () -> IdMap.validateId("\u00e9".repeat(IdMap.MAX_ID_BYTES / 2) + "x"));
        assertTrue(tooLong.getMessage().startsWith("id is 1025 UTF-8 bytes long, the limit is 1024"), tooLong.getMessage());
        assertThrows(InvalidArgumentException.class, () -> IdMap.validateId("a\uD83Db"));
        assertThrows(InvalidArgumentException.class, () -> IdMap.validateId("\uDE00"));
    }

    @Test
    void damagedFilesAreRejectedNamingTheFile() throws IOException {
        MetadataStore store = new MetadataStore();
        store.putMetadata(0, MetadataCodec.validate(Map.of("a", 1)));
        store.putMetadata(2, MetadataCodec.validate(new LinkedHashMap<>()));
        IdMap ids = new IdMap();
        ids.put("a", 0);
        ids.put("b", 2);
        List<byte[]> files = List.of(bytes(store::writeTo), bytes(ids::writeTo));
        for (int f = 0; f < 2; f++) {
            byte[] good = files.get(f);
            String name = f == 0 ? "metadata.bin" : "ids.bin";
            for (int i = 0; i < good.length; i++) {
                byte[] bad = good.clone();
                bad[i] ^= 0x01;
                int which = f;
                CorruptDataException e = assertThrows(CorruptDataException.class, () -> open(which, bad, name));
                assertTrue(e.getMessage().startsWith("corrupt data: " + name + ": "), e.getMessage());
            }
            for (int len : new int[] {0, 3, 12, good.length - 1}) {
                int which = f;
                byte[] cut = java.util.Arrays.copyOf(good, len);
                assertThrows(CorruptDataException.class, () -> open(which, cut, name));
            }
        }
    }

    private static void open(int which, byte[] b, String name) {
        if (which == 0) {
            MetadataStore.open(MemorySegment.ofArray(b), name);
        } else {
            IdMap.open(MemorySegment.ofArray(b), name);
        }
    }
}
