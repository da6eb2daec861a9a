package dev.quiver.internal.hnsw;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.BitSet;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one-byte visited stamps against a model (a fresh bit set per search) over many more searches than there are
 * stamps, so every stamp is reused many times: a mark left over from an earlier search must never show.
 */
class VisitedSetTest {

    @Test
    void matchesAFreshSetPerSearchAcrossStampReuse() {
        for (long seed = 1; seed <= 3; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            VisitedSet visited = new VisitedSet();
            int capacity = 1 + random.nextInt(3000);
            for (int search = 0; search < 2_000; search++) {
                if (random.nextInt(100) == 0) {
                    capacity += random.nextInt(500); // the index grew between searches
                }
                visited.reset(capacity);
                BitSet model = new BitSet();
                int limit = capacity;
                int ops = random.nextInt(Math.min(capacity, 700) + 1);
                for (int op = 0; op < ops; op++) {
                    if (random.nextInt(200) == 0) {
                        limit = capacity + random.nextInt(300); // a slot inserted during this search
                    }
                    int slot = random.nextInt(limit);
                    String where = "seed " + seed + ", search " + search + ", slot " + slot;
                    if (random.nextBoolean()) {
                        assertEquals(!model.get(slot), visited.visit(slot), where);
                        model.set(slot);
                    } else {
                        assertEquals(model.get(slot), visited.isVisited(slot), where);
                    }
                }
                capacity = Math.max(capacity, limit);
            }
        }
    }

    @Test
    void aSlotVisitedEverySearchIsNewToEachSearch() {
        VisitedSet visited = new VisitedSet();
        for (int search = 0; search < 1_000; search++) {
            visited.reset(17);
            assertFalse(visited.isVisited(16), "search " + search);
            assertTrue(visited.visit(16), "search " + search);
            assertFalse(visited.visit(16), "search " + search);
            assertTrue(visited.isVisited(16));
            assertFalse(visited.isVisited(17), "beyond the array");
        }
    }

    @Test
    void gatherKeepsTheFirstUnvisitedOfEachListInOrder() {
        for (long seed = 1; seed <= 3; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            VisitedSet visited = new VisitedSet();
            int capacity = 1 + random.nextInt(2000);
            for (int search = 0; search < 600; search++) {
                visited.reset(capacity);
                BitSet model = new BitSet();
                for (int list = 0; list < 40; list++) {
                    int n = random.nextInt(33);
                    int[] slots = new int[n];
                    for (int i = 0; i < n; i++) {
                        // Mostly within the capacity, sometimes repeated, now and then a slot inserted meanwhile.
                        slots[i] = random.nextInt(50) == 0 ? capacity + random.nextInt(100)
                                : i > 0 && random.nextInt(10) == 0 ? slots[random.nextInt(i)]
                                : random.nextInt(capacity);
                    }
                    int[] expected = new int[n];
                    int e = 0;
                    for (int s : slots) {
                        if (!model.get(s)) {
                            model.set(s);
                            expected[e++] = s;
                        }
                    }
                    int[] out = new int[n];
                    int g = visited.gatherUnvisited(slots, n, out);
                    String where = "seed " + seed + ", search " + search + ", list " + list;
                    assertEquals(e, g, where);
                    assertArrayEquals(Arrays.copyOf(expected, e), Arrays.copyOf(out, g), where);
                    for (int s : slots) {
                        assertTrue(visited.isVisited(s), where + ", slot " + s);
                    }
                }
                capacity += random.nextInt(3) == 0 ? random.nextInt(100) : 0;
            }
        }
    }
}
