package dev.quiver.bench.hnsw;

import dev.quiver.Metric;
import dev.quiver.bench.ann.Dataset;
import dev.quiver.bench.ann.DatasetResolver;
import dev.quiver.internal.hnsw.FrozenGraph;
import dev.quiver.internal.hnsw.FrozenVectors;
import dev.quiver.internal.hnsw.SegmentGraphBuilder;
import dev.quiver.internal.hnsw.SegmentSearcher;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Does the order of the nodes in memory change the cost of a search? Builds one frozen graph in insertion order,
 * renumbers the same graph (same edges, so the same walk and recall) in two locality orders: breadth-first over layer
 * 0 from the entry node, and the leaf order of a random-projection tree over the vectors. Times the same queries on
 * all three in alternating rounds (thread CPU per query, median). Every copy sits on memory advised for transparent
 * huge pages before its first touch, as the engine's slabs do.
 *
 * <pre>
 * java ... dev.quiver.bench.hnsw.ReorderProbe hubness:100000:100 [efs=40,80,160] [rounds=7] [queries=1000]
 * </pre>
 */
public final class ReorderProbe {

    private static final ValueLayout.OfFloat FLOAT =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private record Copy(String name, FrozenGraph graph, SegmentSearcher searcher, int[] ordToOriginal, int dim) {
        Copy(String name, FrozenGraph graph, SegmentSearcher searcher, int[] ordToOriginal) {
            this(name, graph, searcher, ordToOriginal, 0);
        }
    }

    public static void main(String[] args) throws Exception {
        AlternatingRounds.Args opts = AlternatingRounds.Args.parse(args);
        int[] efs = opts.efs();
        int rounds = opts.rounds();
        int padTo = opts.pad();
        Dataset ds = DatasetResolver.resolve(opts.dataset(), null, opts.queries(), 10, 42, 2);
        int n = ds.base().length;
        int dim = ds.dim();
        Arena arena = Arena.ofShared();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        long t0 = System.nanoTime();
        FrozenGraph insertion;
        Copy a;
        try (SegmentGraphBuilder b = new SegmentGraphBuilder(ds.metric(), dim, 16, 200, 42)) {
            b.build(List.of(ds.base()), null, null, pool, 2);
            insertion = graph(b, arena);
            int[] identity = new int[n];
            Arrays.setAll(identity, i -> i);
            a = new Copy("insertion", insertion,
                    new SegmentSearcher(insertion, vectors(ds, identity, b, arena), 0), identity);
        }
        System.err.printf(Locale.ROOT, "built %d x %d in %.1f s%n", n, dim, (System.nanoTime() - t0) / 1e9);
        pool.shutdown();
        Copy bfs = permutedCopy("bfs", ds, insertion, breadthFirst(insertion), arena);
        Copy rp = permutedCopy("rp-tree", ds, insertion,
                projectionTree(ds.base(), ds.metric() == Metric.COSINE, 32, 7), arena);
        System.err.printf(Locale.ROOT, "mean |ordinal distance| of layer-0 edges: insertion %.0f, bfs %.0f, "
                + "rp-tree %.0f; anonymous huge pages: %d kB%n", meanGap(insertion), meanGap(bfs.graph()),
                meanGap(rp.graph()), anonHugeKb());
        List<Copy> copies = new ArrayList<>(List.of(a, bfs, rp));
        if (padTo > dim) {
            // The insertion-order graph over vectors zero-padded to padTo dims (same distances, same walk): what
            // whole cache lines per vector and no kernel tail are worth.
            float[][] padded = new float[n][];
            for (int i = 0; i < n; i++) {
                padded[i] = Arrays.copyOf(ds.base()[i], padTo);
            }
            Dataset wide = new Dataset(ds.name(), ds.metric(), padded, ds.queries(), ds.groundTruth(),
                    ds.baseMetadata());
            int[] identity = a.ordToOriginal();
            try (SegmentGraphBuilder b = new SegmentGraphBuilder(ds.metric(), padTo, 16, 200, 42)) {
                b.build(List.of(padded), insertion, identity, null, 1);
                copies.add(new Copy("padded-" + padTo, insertion,
                        new SegmentSearcher(insertion, vectors(wide, identity, b, arena), 0), identity, padTo));
            }
        }
        run(ds, copies, efs, rounds);
    }

    private static void run(Dataset ds, List<Copy> copies, int[] efs, int rounds) {
        List<AlternatingRounds.Named> ways = new ArrayList<>();
        for (Copy copy : copies) {
            float[][] qs = copy.dim() == 0 ? ds.queries() : padded(ds.queries(), copy.dim());
            ways.add(new AlternatingRounds.Named(copy.name(), (q, ef, work) -> {
                SegmentSearcher.Hits h = copy.searcher().search(qs[q], ef, null, -1, Long.MAX_VALUE);
                work[0] = h.visited();
                int[] ids = new int[Math.min(10, h.count())];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = copy.ordToOriginal()[h.ords()[i]];
                }
                return ids;
            }));
        }
        double base = 0;
        for (AlternatingRounds.Result r : AlternatingRounds.run(ds.groundTruth(), ds.queries().length, ways, efs,
                rounds)) {
            if (r.name().equals(copies.getFirst().name())) {
                base = r.cpuUsPerQuery();
            }
            System.out.printf(Locale.ROOT, "dataset=%s order=%s ef=%d recall@10=%.4f visited=%d "
                    + "cpu_us_per_query_median=%.1f ratio_to_insertion=%.3f%n", ds.name(), r.name(), r.ef(),
                    r.recall(), r.workPerQuery(), r.cpuUsPerQuery(), r.cpuUsPerQuery() / base);
        }
    }

    private static Copy permutedCopy(String name, Dataset ds, FrozenGraph from, int[] oldToNew, Arena arena)
            throws Exception {
        int n = oldToNew.length;
        int[] newToOld = new int[n];
        for (int o = 0; o < n; o++) {
            newToOld[oldToNew[o]] = o;
        }
        float[][] permuted = new float[n][];
        for (int i = 0; i < n; i++) {
            permuted[i] = ds.base()[newToOld[i]];
        }
        try (SegmentGraphBuilder b = new SegmentGraphBuilder(ds.metric(), ds.dim(), 16, 200, 42)) {
            b.build(List.of(permuted), from, oldToNew, null, 1);
            FrozenGraph g = graph(b, arena);
            return new Copy(name, g, new SegmentSearcher(g, vectors(ds, newToOld, b, arena), 0), newToOld);
        }
    }

    /** New ordinal of each vector: leaf order of a random-projection tree (split at the median, leaves <= leaf). */
    static int[] projectionTree(float[][] v, boolean normalize, int leaf, long seed) {
        int n = v.length;
        int[] idx = new int[n];
        Arrays.setAll(idx, i -> i);
        float[] proj = new float[n];
        java.util.Random rnd = new java.util.Random(seed);
        split(v, normalize, idx, proj, 0, n, leaf, rnd);
        int[] map = new int[n];
        for (int i = 0; i < n; i++) {
            map[idx[i]] = i;
        }
        return map;
    }

    private static void split(float[][] v, boolean normalize, int[] idx, float[] proj, int from, int to, int leaf,
                              java.util.Random rnd) {
        if (to - from <= leaf) {
            return;
        }
        // Direction: the difference of two random members of the range (adapts to the data's shape).
        int dim = v[0].length;
        float[] a = v[idx[from + rnd.nextInt(to - from)]];
        float[] b = v[idx[from + rnd.nextInt(to - from)]];
        float[] dir = new float[dim];
        for (int d = 0; d < dim; d++) {
            dir[d] = a[d] - b[d];
        }
        for (int i = from; i < to; i++) {
            float[] x = v[idx[i]];
            double dot = 0;
            double nn = 0;
            for (int d = 0; d < dim; d++) {
                dot += x[d] * dir[d];
                nn += x[d] * x[d];
            }
            proj[i] = (float) (normalize && nn > 0 ? dot / Math.sqrt(nn) : dot);
        }
        // Sort the range by projection (index sort through boxed pairs is fine for a probe).
        Integer[] order = new Integer[to - from];
        for (int i = 0; i < order.length; i++) {
            order[i] = from + i;
        }
        Arrays.sort(order, (p, q) -> Float.compare(proj[p], proj[q]));
        int[] tmp = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            tmp[i] = idx[order[i]];
        }
        System.arraycopy(tmp, 0, idx, from, tmp.length);
        int mid = (from + to) >>> 1;
        split(v, normalize, idx, proj, from, mid, leaf, rnd);
        split(v, normalize, idx, proj, mid, to, leaf, rnd);
    }

    private static float[][] padded(float[][] rows, int dim) {
        float[][] out = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = Arrays.copyOf(rows[i], dim);
        }
        return out;
    }

    /** New ordinal of each node: breadth-first over layer 0 from the entry; unreached nodes follow in old order. */
    static int[] breadthFirst(FrozenGraph g) {
        int n = g.size();
        int[] map = new int[n];
        Arrays.fill(map, -1);
        int next = 0;
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int root = g.entry(); next < n; root = firstUnmapped(map)) {
            map[root] = next++;
            queue.add(root);
            while (!queue.isEmpty()) {
                int node = queue.poll();
                for (int nb : g.neighbors(node, 0)) {
                    if (map[nb] < 0) {
                        map[nb] = next++;
                        queue.add(nb);
                    }
                }
            }
        }
        return map;
    }

    private static int firstUnmapped(int[] map) {
        for (int i = 0; i < map.length; i++) {
            if (map[i] < 0) {
                return i;
            }
        }
        return -1;
    }

    private static double meanGap(FrozenGraph g) {
        double sum = 0;
        long edges = 0;
        for (int node = 0; node < g.size(); node++) {
            for (int nb : g.neighbors(node, 0)) {
                sum += Math.abs(nb - node);
                edges++;
            }
        }
        return sum / Math.max(1, edges);
    }

    private static FrozenGraph graph(SegmentGraphBuilder b, Arena arena) throws Exception {
        long bytes = FrozenGraph.byteSize(b.size(), 16, b.upperRecords());
        MemorySegment seg = RunnerSupport.hugeAdvised(bytes, arena);
        long[] at = {0};
        b.writeGraph((values, count) -> {
            MemorySegment.copy(values, 0, seg, INT, at[0], count);
            at[0] += (long) count * Integer.BYTES;
        });
        return new FrozenGraph(seg, b.size(), 16, b.entryNode(), b.topLevel(), b.upperRecords());
    }

    /** Vector {@code i} of the copy is {@code ds.base()[order[i]]}. */
    private static FrozenVectors vectors(Dataset ds, int[] order, SegmentGraphBuilder b, Arena arena) {
        int n = order.length;
        int dim = ds.dim();
        MemorySegment vec = RunnerSupport.hugeAdvised((long) n * dim * Float.BYTES, arena);
        MemorySegment norms = arena.allocate((long) n * Float.BYTES, 64);
        for (int i = 0; i < n; i++) {
            MemorySegment.copy(ds.base()[order[i]], 0, vec, FLOAT, (long) i * dim * Float.BYTES, dim);
            norms.setAtIndex(FLOAT, i, b.norm(i));
        }
        return new FrozenVectors(vec, norms, dim, n, ds.metric());
    }

    /** Kilobytes of anonymous huge pages this process holds. */
    static long anonHugeKb() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/smaps_rollup"))) {
                if (line.startsWith("AnonHugePages:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
