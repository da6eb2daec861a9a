package dev.quiver.engine.db;

import dev.quiver.Config;
import dev.quiver.CorruptDataException;
import dev.quiver.InvalidCollectionNameException;
import dev.quiver.Metric;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

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

    @Test
    void shapePropertiesRoundTripAndRejectDamage() {
        DbShape shape = DbShape.of(Config.dim(769).metric(Metric.DOT_PRODUCT).m(12).efConstruction(77)
                .quantize(true).seed(-3));
        assertEquals(shape, DbShape.fromProperties(shape.toProperties(), "x"));
        Map<String, String> damaged = new java.util.HashMap<>(shape.toProperties());
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
