package dev.quiver.internal.db;

import dev.quiver.Config;
import dev.quiver.CorruptDataException;
import dev.quiver.InvalidCollectionNameException;
import dev.quiver.Metric;
import dev.quiver.internal.meta.IdMap;
import dev.quiver.internal.meta.MetadataTable;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CatalogTest {

    @Test
    void ascendingLiveSlotsAreInsertionOrderAndRemapKeepsIt() {
        Catalog c = new Catalog();
        for (int i = 0; i < 40; i++) {
            c.put(i, "id" + i, i % 2 == 0 ? Map.of("i", (long) i) : null);
        }
        List<String> expected = new ArrayList<>();
        int[] oldToNew = new int[40];
        int next = 0;
        for (int i = 0; i < 40; i++) {
            if (i % 3 == 0) {
                c.remove(i);
                oldToNew[i] = -1;
            } else {
                expected.add("id" + i);
                oldToNew[i] = next++;
            }
        }
        assertEquals(expected, c.ids());
        assertEquals(-1, c.slotOf("id0"));
        assertNull(c.idOf(0));
        c.remap(oldToNew, next);
        assertEquals(expected, c.ids());
        assertEquals(next, c.slotLimit());
        assertEquals(0, c.slotOf("id1"));
        assertEquals(Map.of("i", 2L), c.metadata(c.slotOf("id2")));
        assertNull(c.metadata(c.slotOf("id1")));
        assertNull(c.idOf(-1));
        assertNull(c.idOf(1_000));
    }

    /** A catalog served from saved files plus heap layers behaves like one built on the heap, against a model. */
    @Test
    void catalogOverSavedFilesWithHeapLayersMatchesAModel() throws IOException {
        long seed = 20261124L;
        Random rnd = new Random(seed);
        LinkedHashMap<String, Map<String, Object>> model = new LinkedHashMap<>();
        Map<String, Integer> slotOf = new HashMap<>();
        Catalog c = new Catalog();
        int nextSlot = 0;
        for (int round = 0; round < 4; round++) {
            for (int step = 0; step < 300; step++) {
                String id = "id" + rnd.nextInt(200);
                Map<String, Object> meta = rnd.nextInt(4) == 0 ? null : Map.of("g", (long) rnd.nextInt(5));
                Integer slot = slotOf.get(id);
                int op = rnd.nextInt(3);
                if (slot == null) {
                    c.put(nextSlot, id, meta);
                    slotOf.put(id, nextSlot++);
                    model.put(id, meta);
                } else if (op == 0) {
                    assertEquals(model.get(id), c.replaceMetadata(slot, meta), "seed " + seed);
                    model.put(id, meta);
                } else if (op == 1) {
                    assertEquals(model.remove(id), c.remove(slot), "seed " + seed);
                    slotOf.remove(id);
                }
            }
            assertEquals(List.copyOf(model.keySet()), c.ids(), "seed " + seed + " round " + round);
            // Heap layers (added ids, overlay metadata, removals) over the files saved in the round before.
            assertBatchMatchesSingleReads(c, nextSlot, new Random(seed * 31 + round), "seed " + seed + " round "
                    + round + " before the save");
            // Save both structures and serve from the bytes, as a reopened generation does.
            var ids = new ByteArrayOutputStream();
            var metas = new ByteArrayOutputStream();
            c.idMap().writeTo(ids);
            c.metadataTable().writeTo(metas);
            c.replaceWith(IdMap.open(
                            MemorySegment.ofArray(ids.toByteArray()), "ids"),
                    MetadataTable.open(
                            MemorySegment.ofArray(metas.toByteArray()), "metadata"));
            assertEquals(List.copyOf(model.keySet()), c.ids(), "seed " + seed + " round " + round);
            assertEquals(model.size(), c.size());
            for (var e : model.entrySet()) {
                int slot = c.slotOf(e.getKey());
                assertEquals(slotOf.get(e.getKey()), slot);
                assertTrue(c.isLive(slot));
                assertEquals(e.getKey(), c.idOf(slot));
                assertEquals(e.getValue(), c.metadata(slot), "seed " + seed + " " + e.getKey());
            }
            assertBatchMatchesSingleReads(c, nextSlot, new Random(seed * 37 + round), "seed " + seed + " round "
                    + round + " after the save");
        }
        for (int s = 0; s < nextSlot; s++) {
            assertEquals(c.idOf(s) != null, c.isLive(s));
        }
    }

    /**
     * {@link Catalog#entries} (a search's hits, read under one lock per table) gives what {@link Catalog#idOf} and
     * {@link Catalog#metadata} give slot by slot, for live, removed, negative and unassigned slots in any order.
     */
    private static void assertBatchMatchesSingleReads(Catalog c, int slotLimit, Random rnd, String context) {
        int count = 1 + rnd.nextInt(2 * slotLimit + 2);
        int[] slots = new int[count + 3]; // longer than count: only the first count are read
        for (int i = 0; i < slots.length; i++) {
            slots[i] = rnd.nextInt(slotLimit + 20) - 10;
        }
        String[] ids = new String[count];
        byte[][] metadata = new byte[count][];
        c.entries(slots, count, ids, metadata);
        for (int i = 0; i < count; i++) {
            assertEquals(c.idOf(slots[i]), ids[i], context + " slot " + slots[i]);
            assertEquals(c.metadata(slots[i]), Catalog.decodeMetadata(metadata[i]), context + " slot " + slots[i]);
        }
    }

    @Test
    void shapePropertiesRoundTripAndRejectDamage() {
        DbShape shape = DbShape.of(Config.dim(769).metric(Metric.DOT_PRODUCT).m(12).efConstruction(77)
                .quantize(true).seed(-3));
        assertEquals(shape, DbShape.fromProperties(shape.toProperties(), "x"));
        Map<String, String> damaged = new HashMap<>(shape.toProperties());
        damaged.put("dim", "abc");
        assertThrows(CorruptDataException.class, () -> DbShape.fromProperties(damaged, "x"));
        damaged.remove("dim");
        assertThrows(CorruptDataException.class, () -> DbShape.fromProperties(damaged, "x"));
        assertEquals(shape, DbShape.of(shape.createRecord()));
    }

    @Test
    void collectionNameRulesMatchRustIsAlphanumeric() {
        for (String good : List.of("a", "Z9", "é", "日本語", "x²", "Ⅻ", "a-b_c")) {
            CollectionNames.check(good);
        }
        for (String bad : List.of("", "a b", "a.b", "a/b", "..", "a\\b", "a+b", "\u00A0")) {
            assertThrows(InvalidCollectionNameException.class, () -> CollectionNames.check(bad), bad);
        }
    }
}
