package dev.quiver.internal.hnsw;

import dev.quiver.Metric;
import dev.quiver.bench.ann.Dataset;
import dev.quiver.bench.ann.DatasetResolver;

import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.Locale;

/**
 * Which stored vectors a search can never return, before and after {@link HnswIndex#connectUnreachable}: builds the
 * index of a harness data set, then counts the live nodes that no path from the entry point reaches (breadth first
 * over every layer's lists: no search can get there), the queries' true neighbours among them, and the nodes that a
 * search for their own vector (k 10, the given ef, graph only) does not return. Then connects and counts again.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar \
 *   dev.quiver.internal.hnsw.ReachabilityProbe DATASET METRIC [ef=64] [threads=2]
 * </pre>
 */
public final class ReachabilityProbe {

    private ReachabilityProbe() {
    }

    public static void main(String[] args) throws Exception {
        Metric metric = Metric.parse(args[1]);
        int ef = option(args, "ef", 64);
        int threads = option(args, "threads", 2);
        Dataset data = DatasetResolver.resolve(args[0], metric, 1000, 10, 42, threads);
        float[][] base = data.base();
        HnswConfig cfg = new HnswConfig(base[0].length, metric, 16, 200, 42, threads, 0);
        try (HnswIndex index = HnswIndex.create(cfg)) {
            long t0 = System.nanoTime();
            index.insertBatch(base);
            System.out.printf(Locale.ROOT, "%s n=%d build_s=%.1f%n", args[0], base.length,
                    (System.nanoTime() - t0) / 1e9);
            report("as built", index, data, ef);
            long c0 = System.nanoTime();
            int added = index.connectUnreachable();
            System.out.printf(Locale.ROOT, "connectUnreachable: %d links in %.1f ms%n", added,
                    (System.nanoTime() - c0) / 1e6);
            report("connected", index, data, ef);
        }
    }

    private static void report(String label, HnswIndex index, Dataset data, int ef) {
        int n = index.totalSlots();
        BitSet reached = reachedOnAnyLayer(index);
        int lostTruth = 0;
        int truthCount = 0;
        for (int[] t : data.groundTruth()) {
            for (int j = 0; j < Math.min(10, t.length); j++) {
                truthCount++;
                lostTruth += reached.get(t[j]) ? 0 : 1;
            }
        }
        int notFound = 0;
        for (int s = 0; s < n; s++) {
            SearchHits hits = index.search(index.vector(s), 10, ef, null, SearchMode.GRAPH);
            boolean found = false;
            for (int i = 0; i < hits.size() && !found; i++) {
                found = hits.slots()[i] == s;
            }
            notFound += found ? 0 : 1;
        }
        System.out.printf(Locale.ROOT, "%-9s unreachable=%d of %d; true neighbours unreachable=%d of %d;"
                        + " not returned for their own vector (k 10, ef %d)=%d; layer 0 all reachable=%s%n", label,
                n - reached.cardinality(), n, lostTruth, truthCount, ef, notFound, index.allReachable());
    }

    /** Slots any path from the entry point reaches, over every layer's lists. */
    private static BitSet reachedOnAnyLayer(HnswIndex index) {
        GraphLayers layers = index.layers();
        int n = index.totalSlots();
        BitSet seen = new BitSet(n);
        int[] buf = new int[layers.maxDegree(0)];
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        int start = GraphLayersAccess.entrySlot(index);
        seen.set(start);
        queue.add(start);
        while (!queue.isEmpty()) {
            int s = queue.poll();
            for (int level = layers.level(s); level >= 0; level--) {
                int c = layers.readNeighbors(s, level, buf);
                for (int i = 0; i < c; i++) {
                    if (!seen.get(buf[i])) {
                        seen.set(buf[i]);
                        queue.add(buf[i]);
                    }
                }
            }
        }
        return seen;
    }

    private static int option(String[] args, String name, int fallback) {
        for (String a : args) {
            if (a.startsWith(name + "=")) {
                return Integer.parseInt(a.substring(name.length() + 1));
            }
        }
        return fallback;
    }

    /** The entry slot, read through the index's private field (a probe, not an API). */
    private static final class GraphLayersAccess {
        static int entrySlot(HnswIndex index) {
            try {
                java.lang.reflect.Field f = HnswIndex.class.getDeclaredField("entry");
                f.setAccessible(true);
                return EntryPoint.slot(((EntryPoint) f.get(index)).get());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
