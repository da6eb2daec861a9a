package dev.quiver.internal.hnsw;

import dev.quiver.Metric;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Builds the HNSW graph of one immutable segment (for the Lucene format): the same slabs, level draw, linker and
 * neighbour selection as {@link HnswIndex}, without its database concerns (tombstones, updates, quantizer). The
 * vectors are given by ordinal; the graph is written out once with {@link #writeGraph} and read back as a
 * {@link FrozenGraph}.
 *
 * <p>A merge can start from an existing frozen graph ({@link #build} with {@code initial}): its nodes keep their
 * levels and lists (renumbered), only the other vectors are linked, which costs a fraction of a rebuild.
 * Not thread-safe; {@link #build} itself links on the given pool.
 */
public final class SegmentGraphBuilder implements AutoCloseable {

    /** Receives the graph as runs of little-endian ints. */
    @FunctionalInterface
    public interface IntSink {
        void write(int[] values, int count) throws IOException;
    }

    /** Vectors linked one by one before the parallel phase, so it starts from a connected core. */
    private static final int SEQUENTIAL_PREFIX = 64;
    private static final int WRITE_BATCH = 4096;

    private final int dim;
    private final int m;
    private final long seed;
    private final double levelMultiplier;
    private final VectorSlabs store;
    private final GraphLayers layers;
    private final EntryPoint entry = new EntryPoint();
    private final GraphLinker linker;
    private int size = -1;
    private int[] levels = new int[0];

    public SegmentGraphBuilder(Metric metric, int dim, int m, int efConstruction, long seed) {
        new HnswConfig(dim, metric, m, efConstruction, seed, 1); // validates the parameters
        this.dim = dim;
        this.m = m;
        this.seed = seed;
        this.levelMultiplier = 1.0 / Math.log(m);
        this.store = new VectorSlabs(dim, metric);
        this.layers = new GraphLayers(m);
        // A segment's graph has no tombstones (deleted documents are filtered at search time).
        this.linker = new GraphLinker(store, layers, new GraphSearcher(layers), entry, efConstruction, () -> false);
    }

    /**
     * Stores {@code vectors} (ordinal = list position) and links them.
     *
     * @param initial      a graph to start from, or null; node {@code o} of it becomes ordinal {@code initialToNew[o]}
     *                     and must hold the same vector there
     * @param pool         helper threads, or null to link on the calling thread only
     * @param threads      threads linking at once (the caller counts as one)
     */
    public void build(List<float[]> vectors, FrozenGraph initial, int[] initialToNew, ExecutorService pool,
                      int threads) {
        if (size >= 0) {
            throw new IllegalStateException("build may run once per builder");
        }
        int n = vectors.size();
        store.ensureCapacity(Math.max(1, n));
        layers.ensureCapacity(Math.max(1, n));
        levels = new int[n];
        boolean[] seeded = new boolean[n];
        if (initial != null) {
            if (initialToNew.length != initial.size() || initial.m() != m) {
                throw new IllegalArgumentException("initial graph of " + initial.size() + " nodes (M " + initial.m()
                        + ") does not fit a map of " + initialToNew.length + " (M " + m + ")");
            }
            for (int o = 0; o < initialToNew.length; o++) {
                levels[initialToNew[o]] = initial.level(o);
                seeded[initialToNew[o]] = true;
            }
        }
        for (int slot = 0; slot < n; slot++) {
            if (!seeded[slot]) {
                levels[slot] = drawLevel(slot);
            }
            float[] v = vectors.get(slot);
            if (v.length != dim) {
                throw new IllegalArgumentException("vector " + slot + " has " + v.length + " dims, expected " + dim);
            }
            layers.initNode(slot, levels[slot]);
            store.write(slot, v);
            layers.markPresent(slot);
        }
        size = n;
        int[] order = new int[n];
        int count = 0;
        if (initial != null && initial.size() > 0) {
            copyInitial(initial, initialToNew);
        }
        for (int slot = 0; slot < n; slot++) {
            if (!seeded[slot]) {
                order[count++] = slot;
            }
        }
        int prefix = initial != null && initial.size() > 0 ? 0 : Math.min(count, SEQUENTIAL_PREFIX);
        SearchState state = new SearchState(store.kernelDim(), 2 * m);
        for (int i = 0; i < prefix; i++) {
            linker.link(order[i], vectors.get(order[i]), -1, n, state);
        }
        linkParallel(vectors, order, prefix, count, pool, threads);
        // Nodes the heuristic left without an in-link could never be returned; Lucene's own builder connects them too.
        new GraphConnector(store, layers, linker, entry).connect(n, state);
    }

    /** Level of ordinal {@code slot}: the same seeded, capped draw as {@link HnswIndex#drawLevel}. */
    private int drawLevel(int slot) {
        long z = seed + (slot + 1L) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        double u = ((z >>> 11) + 1) * 0x1.0p-53;
        return Math.min((int) Math.floor(-Math.log(u) * levelMultiplier), HnswConfig.MAX_LEVEL);
    }

    private void copyInitial(FrozenGraph initial, int[] map) {
        int[] buf = new int[2 * m + 1];
        for (int o = 0; o < map.length; o++) {
            int slot = map[o];
            ReentrantLock lock = layers.lock(slot);
            lock.lock();
            try {
                for (int l = 0; l <= levels[slot]; l++) {
                    int c = initial.readNeighbors(o, l, buf);
                    for (int i = 0; i < c; i++) {
                        buf[i] = map[buf[i]];
                    }
                    layers.writeNeighbors(slot, l, buf, c);
                }
            } finally {
                lock.unlock();
            }
        }
        entry.set(EntryPoint.pack(map[initial.entry()], initial.topLevel()));
    }

    private void linkParallel(List<float[]> vectors, int[] order, int from, int to, ExecutorService pool,
                              int threads) {
        int n = size;
        int workers = pool == null ? 1 : Math.min(Math.max(1, threads), Math.max(1, (to - from) / 32));
        AtomicInteger cursor = new AtomicInteger(from);
        Runnable worker = () -> {
            SearchState state = new SearchState(store.kernelDim(), 2 * m);
            for (int i = cursor.getAndIncrement(); i < to; i = cursor.getAndIncrement()) {
                linker.link(order[i], vectors.get(order[i]), -1, n, state);
            }
        };
        ParallelRuns.run(worker, workers, pool, cursor, to, "graph build");
    }

    private void checkBuilt() {
        if (size < 0) {
            throw new IllegalStateException("build has not run");
        }
    }

    public int size() {
        checkBuilt();
        return size;
    }

    /** The entry node, or -1 for an empty graph. */
    public int entryNode() {
        checkBuilt();
        long e = entry.get();
        return e == EntryPoint.NONE ? -1 : EntryPoint.slot(e);
    }

    public int topLevel() {
        checkBuilt();
        long e = entry.get();
        return e == EntryPoint.NONE ? 0 : EntryPoint.level(e);
    }

    /** Records of the upper-layer table {@link #writeGraph} writes (the sum of the node levels). */
    public int upperRecords() {
        checkBuilt();
        long total = 0;
        for (int l : levels) {
            total += l;
        }
        return Math.toIntExact(total);
    }

    /** L2 norm of vector {@code ord}. */
    public float norm(int ord) {
        return store.norm(ord);
    }

    /** Writes the graph in the {@link FrozenGraph} layout ({@link FrozenGraph#byteSize} bytes in all). */
    public void writeGraph(IntSink sink) throws IOException {
        checkBuilt();
        int[] buf = new int[Math.max(WRITE_BATCH, 2 * (2 * m + 1))];
        int fill = 0;
        int upperBase = 0;
        for (int slot = 0; slot < size; slot++) {
            if (fill + 2 > buf.length) {
                sink.write(buf, fill);
                fill = 0;
            }
            buf[fill++] = levels[slot];
            buf[fill++] = levels[slot] == 0 ? -1 : upperBase;
            upperBase += levels[slot];
        }
        int[] list = new int[2 * m + 1];
        for (int slot = 0; slot < size; slot++) {
            fill = writeList(sink, buf, fill, list, slot, 0);
        }
        for (int slot = 0; slot < size; slot++) {
            for (int l = 1; l <= levels[slot]; l++) {
                fill = writeList(sink, buf, fill, list, slot, l);
            }
        }
        if (fill > 0) {
            sink.write(buf, fill);
        }
    }

    private int writeList(IntSink sink, int[] buf, int fill, int[] list, int slot, int level) throws IOException {
        int max = layers.maxDegree(level);
        if (fill + 1 + max > buf.length) {
            sink.write(buf, fill);
            fill = 0;
        }
        int c = layers.readNeighbors(slot, level, list);
        buf[fill++] = c;
        System.arraycopy(list, 0, buf, fill, c);
        java.util.Arrays.fill(buf, fill + c, fill + max, 0);
        return fill + max;
    }

    @Override
    public void close() {
        store.close();
        layers.close();
    }
}
