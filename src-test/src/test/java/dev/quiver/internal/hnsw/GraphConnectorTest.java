package dev.quiver.internal.hnsw;

import dev.quiver.Config;
import dev.quiver.Database;
import dev.quiver.Metric;
import dev.quiver.internal.db.DatabaseCore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every live node reachable on layer 0 after {@link HnswIndex#connectUnreachable}, judged by a breadth-first search
 * of the test's own over the lists, and by the search itself: a beam as wide as the index, started at the entry
 * point, returns each live node for its own vector. Thin lists (M 2 and 3) on tight clusters leave many nodes without
 * an in-link, and fill most lists, so both of the connector's ways of linking (appending to a list with room and
 * trading a full list's farthest neighbour) run; the seeded cases check that they did.
 */
class GraphConnectorTest {

    @TempDir
    Path dir;

    /** Live slots that layer 0 does not reach from the entry point (the test's own breadth-first search). */
    private static BitSet unreachableLive(HnswIndex index) {
        int total = index.totalSlots();
        int[][] lists = GraphInvariants.allLayer0(index);
        BitSet reached = new BitSet(total);
        int entry = GraphInvariants.entrySlot(index);
        java.util.ArrayDeque<Integer> queue = new java.util.ArrayDeque<>();
        reached.set(entry);
        queue.add(entry);
        while (!queue.isEmpty()) {
            for (int s : lists[queue.poll()]) {
                if (!reached.get(s)) {
                    reached.set(s);
                    queue.add(s);
                }
            }
        }
        BitSet out = new BitSet(total);
        for (int s = 0; s < total; s++) {
            if (!reached.get(s) && !index.isDeleted(s)) {
                out.set(s);
            }
        }
        return out;
    }

    /**
     * Live slots that a graph search as wide as the index, for their own vector, does not return among all it finds
     * (with dot products a node need not be its own nearest).
     */
    private static BitSet notFoundByOwnVector(HnswIndex index) {
        int total = index.totalSlots();
        BitSet out = new BitSet(total);
        for (int s = 0; s < total; s++) {
            if (index.isDeleted(s)) {
                continue;
            }
            float[] own = index.vector(s);
            SearchHits hits = index.search(own, total, total, null, SearchMode.GRAPH);
            boolean found = false;
            for (int i = 0; i < hits.size(); i++) {
                // an exact duplicate answers as well (the nearest of equals is any of them)
                found |= hits.slots()[i] == s || java.util.Arrays.equals(index.vector(hits.slots()[i]), own);
            }
            if (!found) {
                out.set(s);
            }
        }
        return out;
    }

    @Test
    void everyLiveNodeIsReachableAndFoundByItsOwnVectorAfterConnecting() {
        Metric[] metrics = {Metric.EUCLIDEAN, Metric.COSINE, Metric.DOT_PRODUCT};
        int[] dims = {3, 5, 17, 33};
        int casesWithUnreachable = 0;
        int traded = 0;
        int appended = 0;
        for (long seed = 1; seed <= 12; seed++) {
            SplittableRandom rnd = new SplittableRandom(seed);
            Metric metric = metrics[(int) (seed % metrics.length)];
            int dim = dims[(int) (seed % dims.length)];
            int m = 2 + (int) (seed % 2);
            int n = 600 + rnd.nextInt(600);
            float[][] data = TestData.clustered(rnd, n, dim, 3 + rnd.nextInt(20), 0.02 + 0.2 * rnd.nextDouble());
            String where = "seed " + seed + ", " + metric + ", dim " + dim + ", M " + m + ", n " + n;
            try (HnswIndex index = HnswIndex.create(new HnswConfig(dim, metric, m, 16, seed, 2, 0))) {
                index.insertBatch(data);
                if (seed % 3 == 0) { // tombstones: never linked to, never needing a link, still walked through
                    for (int s = 0; s < n; s += 7) {
                        index.delete(s);
                    }
                }
                BitSet before = unreachableLive(index);
                casesWithUnreachable += before.isEmpty() ? 0 : 1;
                assertEquals(before.isEmpty(), index.allReachable(), where);

                GraphConnector.Links links = connector(index).connect(index.totalSlots(), new SearchState(dim, 2 * m));
                appended += links.appended();
                traded += links.traded();
                assertTrue(links.total() <= 2 * before.cardinality(), where + ": " + links + " for " + before);
                assertEquals(new BitSet(), unreachableLive(index), where + ": unreachable after connecting");
                assertEquals(new BitSet(), notFoundByOwnVector(index), where + ": not found after connecting");
                assertTrue(index.allReachable(), where);
                GraphInvariants.check(index, where);
            }
        }
        assertTrue(casesWithUnreachable >= 6, "thin graphs that leave nodes unreachable: " + casesWithUnreachable);
        assertTrue(appended > 0 && traded > 0, "both ways of linking ran: appended " + appended + ", traded " + traded);
    }

    @Test
    void connectingIsSkippedUntilAListMayHaveChanged() {
        SplittableRandom rnd = new SplittableRandom(5);
        float[][] data = TestData.clustered(rnd, 1500, 9, 12, 0.03);
        try (HnswIndex index = HnswIndex.create(new HnswConfig(9, Metric.EUCLIDEAN, 2, 16, 5, 2, 0))) {
            GraphConnector connector = connector(index);
            index.insertBatch(data);
            assertTrue(index.connectUnreachable() > 0, "this graph has unreachable nodes");
            assertTrue(index.allReachable());
            long sweeps = connector.sweeps();
            assertEquals(0, index.connectUnreachable(), "nothing written since");
            assertEquals(sweeps, connector.sweeps(), "no sweep without a write");
            Runnable[] writes = {
                () -> index.insertBatch(TestData.clustered(rnd, 500, 9, 12, 0.03)),
                () -> index.insert(data[3]),
                () -> {
                    for (int s = 0; s < 2000; s += 3) {
                        index.delete(s);
                    }
                },
                () -> index.update(1, data[2]),
                index::repairTombstones,
            };
            String[] names = {"a batch insert", "an insert", "deletes", "an update", "a tombstone sweep"};
            for (int w = 0; w < writes.length; w++) {
                writes[w].run();
                index.connectUnreachable();
                assertEquals(++sweeps, connector.sweeps(), "a sweep after " + names[w]);
                assertTrue(index.allReachable(), "after " + names[w]);
                index.connectUnreachable();
                assertEquals(sweeps, connector.sweeps(), "no second sweep after " + names[w]);
            }
        }
    }

    /**
     * A hand-made layer 0 where every reached list is full and the nearest reached node's list holds only nodes
     * reached through it, one of them (the farthest, {@code D}) through that link alone: the connector must trade
     * elsewhere, and link the cut-off pair {@code X -> Y} with one link.
     */
    @Test
    void aTradeNeverCutsOffANodeReachedThroughTheTradingList() {
        float[][] points = {{0, 0}, {1, 0}, {0, 1}, {-1, 0}, {0, -10}, {2, 0}, {3, 0}, {0.2f, 0.2f}, {0.3f, 0.3f}};
        int e = 0, a = 1, b = 2, c = 3, d = 4, f = 5, g = 6, x = 7, y = 8;
        int[][] lists = new int[9][];
        lists[e] = new int[] {a, b, c, d};
        lists[a] = new int[] {e, b, c, f};
        lists[b] = new int[] {e, a, c, f};
        lists[c] = new int[] {e, a, b, f};
        lists[f] = new int[] {e, a, b, g};
        lists[g] = new int[] {e, a, b, c};
        lists[d] = new int[] {e, a, b, c};
        lists[x] = new int[] {e, y};
        lists[y] = new int[] {x};
        try (HnswIndex index = HnswIndex.create(new HnswConfig(2, Metric.EUCLIDEAN, 2, 16, 1, 1, 0))) {
            index.insertBatch(points);
            GraphLayers layers = GraphInvariants.layers(index);
            for (int s = 0; s < lists.length; s++) {
                layers.lock(s).lock();
                try {
                    layers.writeNeighbors(s, 0, lists[s], lists[s].length);
                } finally {
                    layers.lock(s).unlock();
                }
            }
            entry(index).set(EntryPoint.pack(e, layers.level(e)));
            assertEquals(BitSet.valueOf(new long[] {(1L << x) | (1L << y)}), unreachableLive(index));

            GraphConnector.Links links = connector(index).connect(index.totalSlots(), new SearchState(2, 4));

            assertEquals(new BitSet(), unreachableLive(index), "nothing cut off, " + links);
            assertEquals(1, links.total(), "one link for the cut-off pair: " + links);
            assertEquals(1, links.traded(), "every reached list was full: " + links);
            assertEquals(4, GraphInvariants.layer0(index, e).length);
            assertTrue(java.util.Arrays.stream(GraphInvariants.layer0(index, e)).anyMatch(s -> s == d),
                    "the entry kept the only link to D");
        }
    }

    @Test
    void aSavedDatabaseHasEveryStoredVectorReachable() {
        SplittableRandom rnd = new SplittableRandom(77);
        int dim = 7;
        float[][] data = TestData.clustered(rnd, 2500, dim, 15, 0.02);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < data.length; i++) {
            ids.add("v" + i);
        }
        Path path = dir.resolve("db");
        // The same graph built without saving: the seed and one build thread make it the one the database builds.
        try (HnswIndex unsaved = HnswIndex.create(new HnswConfig(dim, Metric.EUCLIDEAN, 2, 16, 3, 1, 0))) {
            unsaved.insertBatch(data);
            assertTrue(!unsaved.allReachable(), "this data leaves nodes unreachable before a save");
        }
        try (Database db = Database.open(path, Config.dim(dim).metric(Metric.EUCLIDEAN).m(2).efConstruction(16)
                .seed(3).buildThreads(1))) {
            db.addMany(ids, data);
            db.save();
        }
        DatabaseCore core = DatabaseCore.openExisting(path);
        try {
            core.read((index, catalog, filters) -> {
                assertEquals(data.length, catalog.size());
                assertTrue(index.allReachable(), "every stored vector reachable in the saved graph");
                assertEquals(new BitSet(), notFoundByOwnVector(index));
                return null;
            });
        } finally {
            core.close();
        }
    }

    private static EntryPoint entry(HnswIndex index) {
        return (EntryPoint) GraphInvariants.field(index, "entry");
    }

    private static GraphConnector connector(HnswIndex index) {
        return (GraphConnector) GraphInvariants.field(index, "connector");
    }
}
