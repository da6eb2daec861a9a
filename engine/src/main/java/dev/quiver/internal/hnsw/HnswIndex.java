package dev.quiver.internal.hnsw;

import dev.quiver.internal.quant.Sq8Quantizer;
import dev.quiver.internal.quant.Sq8Store;
import dev.quiver.storage.ByteRecordSlab;
import dev.quiver.storage.FloatSlab;
import dev.quiver.storage.IntRecordSlab;
import dev.quiver.storage.VectorSlab;
import dev.quiver.storage.gen.Generation;
import dev.quiver.storage.gen.GenerationWriter;
import dev.quiver.storage.gen.WritableFile;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * An HNSW index over off-heap slabs: vectors and norms in a {@link VectorStore}, the layers in
 * {@link GraphLayers}, optional SQ8 codes in an {@link Sq8Store}.
 *
 * <h2>Slots</h2>
 * Every insert takes the next slot; slots are never reused. A deleted slot is a tombstone: never returned, still
 * traversed (so deletions do not cut the graph) until its neighbourhood is repaired or the index is compacted.
 *
 * <h2>Concurrency</h2>
 * All methods are thread-safe. Searches take no lock: they read neighbour lists through the seqlock of
 * {@link GraphLayers} and per-thread scratch ({@link SearchState}), so they never wait for a batch insert and never
 * see a torn list. Inserts run concurrently (a batch links on {@code buildThreads} threads). Locks, in the only order
 * they may nest: {@code updateLock} (serialises {@link #update} re-links) → {@code quantLock} (read by writers encoding
 * a code, written by (re)training) → one node stripe lock at a time → the {@link EntryPoint} monitor. A thread never
 * holds two stripe locks. {@code allocationLock} (slot allocation and slab growth) is a leaf: nothing else is
 * acquired while it is held except the slabs' own growth locks. {@link #close()} must not race with other calls (the
 * database's lifecycle lock sees to it).
 *
 * <h2>Departures from vctrs (vctrs-behaviour §11)</h2>
 * Diversity heuristic for neighbour selection and pruning (15); per-thread visited stamps, nothing O(n) per query
 * (16); tombstones never returned, lists around them repaired, entry point moved off them, updates remove in-links
 * and never self-loop (17); filters collect only accepted nodes with two-hop expansion, exact scan when few match (18);
 * measured exact-path cut-over (19); SQ8 traverses integer codes and re-ranks, retrains on drift, trains on live
 * slots only (21); seeded, capped levels (22); identical update is a no-op (23).
 */
public final class HnswIndex implements AutoCloseable {

    /**
     * The default beam width for {@code k} results, as vctrs defines it: {@code max(200, k + floor(10 * sqrt(k)))}.
     * bench/results/hnsw.md shows recall@10 is already >= 0.99 at ef 80 on both data sets, so callers chasing
     * throughput may pass less.
     */
    public static int defaultEfSearch(int k) {
        return Math.max(200, k + (int) Math.floor(10 * Math.sqrt(k)));
    }

    /**
     * A filtered search's expected graph work, in distances per beam entry per layer-0 degree: {@code
     * (ef + 10) * m0 * FILTERED_WORK_PER_DEGREE}. Measured on wordnet-minilm-384 (M 16): an unfiltered k=10 walk
     * computes 365 / 917 / 1,899 / 3,342 distances at ef 10 / 40 / 100 / 200, i.e. (ef + 10) * m0 * 0.55; filtered at
     * 39% and 10% (two-hop) the work (distances + bridges / 3) is 1.3-1.7 times that (bench/results/filtered.md).
     */
    static final double FILTERED_WORK_PER_DEGREE = 0.55 * 1.6;
    /**
     * A distance computed in the graph walk costs about this many distances of the exact scan (random access to
     * vectors and lists, heap upkeep, filter checks, against one sequential pass). Measured on wordnet-minilm-384:
     * 117-190 ns per graph distance against 31-48 ns per scanned one (bench/results/filtered.md). Sizes the filtered
     * walk's work budget ({@code accepted / GRAPH_DISTANCE_COST}) and the AUTO cut-over.
     */
    static final int GRAPH_DISTANCE_COST = 3;
    /** Below this acceptance ratio an AUTO filtered search scans the accepted slots exactly. */
    static final double EXACT_FILTER_RATIO = 0.02;
    /** Below this acceptance ratio the traversal expands rejected neighbours two hops at once. */
    static final double TWO_HOP_RATIO = 0.6;
    /** A node whose list has at least this fraction of tombstones is repaired on the next delete nearby. */
    static final double REPAIR_TOMBSTONE_RATIO = 0.25;
    /** Vectors copied to the heap at a time while compacting. */
    static final int COMPACTION_BATCH = 16_384;
    /** Items of a batch linked one by one before the parallel phase when the graph is still tiny. */
    static final int SEQUENTIAL_PREFIX = 64;

    private final HnswConfig config;
    private final int dim;
    private final double levelMultiplier;
    private final VectorStore store;
    private final GraphLayers layers;
    private final EntryPoint entry = new EntryPoint();
    private final GraphSearcher searcher;
    private final GraphLinker linker;
    private final ExactScanner scanner;
    private final ThreadLocal<SearchState> states;

    private final Object allocationLock = new Object();
    private volatile ExecutorService buildPool;
    private volatile int totalSlots;
    private final AtomicInteger live = new AtomicInteger();
    private final AtomicInteger deleted = new AtomicInteger();

    private final ReentrantLock updateLock = new ReentrantLock();
    private final ReentrantReadWriteLock quantLock = new ReentrantReadWriteLock();
    private volatile Sq8Store quant;
    /** Codes replaced by a retrain; searches may still be reading them, so they are closed with the index. */
    private final List<Sq8Store> retiredQuant = new ArrayList<>();
    private final AtomicReference<Boolean> closed = new AtomicReference<>(false);

    private HnswIndex(HnswConfig config) {
        this(config, new VectorStore(config.dim(), config.metric()), new GraphLayers(config.m()));
    }

    private HnswIndex(HnswConfig config, VectorStore store, GraphLayers layers) {
        this.config = config;
        this.dim = config.dim();
        this.levelMultiplier = 1.0 / Math.log(config.m());
        this.store = store;
        this.layers = layers;
        this.searcher = new GraphSearcher(layers);
        this.linker = new GraphLinker(store, layers, searcher, entry, config.efConstruction());
        this.scanner = new ExactScanner(layers);
        int m0 = config.maxDegree0();
        this.states = ThreadLocal.withInitial(() -> new SearchState(dim, m0));
    }

    /** A new, empty index. */
    public static HnswIndex create(HnswConfig cfg) {
        if (cfg == null) {
            throw new IllegalArgumentException("config must not be null");
        }
        return new HnswIndex(cfg);
    }

    public HnswConfig config() {
        return config;
    }

    // ---------------------------------------------------------------- persistence

    /** {@link #writeTo(GenerationWriter, String)} with no name prefix. */
    public void writeTo(GenerationWriter w) {
        writeTo(w, "");
    }

    /**
     * Writes every slab and the meta file (format in {@link IndexFiles}) into generation {@code w}, file names
     * prefixed by {@code prefix}. Searches may run meanwhile; the caller keeps writers out until this returns (the
     * files must show one state of the index).
     */
    public void writeTo(GenerationWriter w, String prefix) {
        checkOpen();
        int total = totalSlots;
        w.writeSlab(prefix + IndexFiles.VECTORS, store.vectors().slab(), total);
        w.writeSlab(prefix + IndexFiles.NORMS, store.norms().slab(), total);
        w.writeSlab(prefix + IndexFiles.NODES, layers.nodesSlab().slab(), total);
        w.writeSlab(prefix + IndexFiles.LAYER0, layers.layer0Slab().slab(), total);
        w.writeSlab(prefix + IndexFiles.UPPER, layers.upperSlab().slab(), layers.upperRecordCount());
        Sq8Store q = quant;
        if (q != null) {
            w.writeSlab(prefix + IndexFiles.SQ8_CODES, q.codes().slab(), total);
            w.writeSlab(prefix + IndexFiles.SQ8_CORRECTIONS, q.corrections().slab(), total);
        }
        IndexFiles.Meta meta = new IndexFiles.Meta(dim, config.metric(), config.m(), config.efConstruction(),
                config.seed(), total, live.get(), deleted.get(), entry.get(), layers.upperRecordCount(),
                q == null ? 0f : q.quantizer().scale(), q == null ? null : q.quantizer().offsets());
        try (WritableFile out = w.create(prefix + IndexFiles.META)) {
            IndexFiles.write(out, meta);
        }
    }

    /** {@link #open(Generation, String, HnswConfig)} with no name prefix. */
    public static HnswIndex open(Generation g, HnswConfig cfg) {
        return open(g, "", cfg);
    }

    /**
     * Opens an index saved by {@link #writeTo}: the slabs are mapped copy-on-write from the generation's files (no
     * O(n) rebuild, no copy; later writes go to private pages or new chunks). {@code cfg} must agree with the saved
     * dim, metric and M; its efConstruction, threads and cut-over apply from now on.
     */
    public static HnswIndex open(Generation g, String prefix, HnswConfig cfg) {
        IndexFiles.Meta meta = IndexFiles.read(g, prefix + IndexFiles.META);
        if (meta.dim() != cfg.dim() || meta.metric() != cfg.metric() || meta.m() != cfg.m()) {
            throw new IllegalArgumentException("saved index has dim " + meta.dim() + ", metric " + meta.metric()
                    + ", M " + meta.m() + "; config asks for dim " + cfg.dim() + ", metric " + cfg.metric() + ", M "
                    + cfg.m());
        }
        int d = cfg.dim();
        int m = cfg.m();
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            VectorSlab vectors = track(opened, new VectorSlab(g.openSlab(prefix + IndexFiles.VECTORS, (long) d * 4), d));
            FloatSlab norms = track(opened, new FloatSlab(g.openSlab(prefix + IndexFiles.NORMS, 4)));
            IntRecordSlab nodes = track(opened, new IntRecordSlab(g.openSlab(prefix + IndexFiles.NODES,
                    GraphLayers.NODE_INTS * 4L), GraphLayers.NODE_INTS));
            IntRecordSlab layer0 = track(opened, new IntRecordSlab(g.openSlab(prefix + IndexFiles.LAYER0,
                    (2L + 2 * m) * 4), 2 + 2 * m));
            IntRecordSlab upper = track(opened, new IntRecordSlab(g.openSlab(prefix + IndexFiles.UPPER,
                    (2L + m) * 4), 2 + m));
            HnswIndex index = new HnswIndex(cfg, new VectorStore(d, cfg.metric(), vectors, norms),
                    new GraphLayers(m, nodes, layer0, upper, meta.upperRecords()));
            if (meta.quantized()) {
                ByteRecordSlab codes = track(opened, new ByteRecordSlab(g.openSlab(prefix + IndexFiles.SQ8_CODES, d), d));
                FloatSlab corr = track(opened, new FloatSlab(g.openSlab(prefix + IndexFiles.SQ8_CORRECTIONS, 4)));
                index.quant = new Sq8Store(new Sq8Quantizer(meta.sq8Offsets(), meta.sq8Scale()), codes, corr);
            }
            index.totalSlots = meta.totalSlots();
            index.live.set(meta.live());
            index.deleted.set(meta.deleted());
            index.entry.set(meta.entry());
            return index;
        } catch (RuntimeException e) {
            for (AutoCloseable c : opened) {
                try {
                    c.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    private static <T extends AutoCloseable> T track(List<AutoCloseable> opened, T resource) {
        opened.add(resource);
        return resource;
    }

    // ---------------------------------------------------------------- writes

    /** Stores {@code vector} (verbatim) in a new slot and links it; thread-safe. Returns the slot. */
    public int insert(float[] vector) {
        checkOpen();
        checkVector(vector, "vector");
        int slot = allocate(1);
        store(slot, vector);
        live.incrementAndGet();
        linker.link(slot, vector, -1, totalSlots, states.get());
        if ((slot & 4095) == 4095) {
            maybeRetrainQuantizer();
        }
        return slot;
    }

    /**
     * Stores the vectors in new consecutive slots (in order) and links them on {@code buildThreads} threads.
     * All vectors are validated first: a rejected batch changes nothing.
     */
    public int[] insertBatch(float[][] vectors) {
        checkOpen();
        if (vectors == null) {
            throw new IllegalArgumentException("vectors must not be null");
        }
        for (int i = 0; i < vectors.length; i++) {
            checkVector(vectors[i], "vectors[" + i + "]");
        }
        int n = vectors.length;
        int[] slots = new int[n];
        if (n == 0) {
            return slots;
        }
        int start = allocate(n);
        for (int i = 0; i < n; i++) {
            slots[i] = start + i;
            store(start + i, vectors[i]);
        }
        live.addAndGet(n);
        int prefix = 0;
        if (totalSlots - n < SEQUENTIAL_PREFIX) {
            // A tiny graph: link the first few one by one so the parallel phase starts from a connected core.
            prefix = Math.min(n, SEQUENTIAL_PREFIX);
            SearchState state = states.get();
            for (int i = 0; i < prefix; i++) {
                linker.link(start + i, vectors[i], -1, totalSlots, state);
            }
        }
        linkParallel(vectors, start, prefix, n);
        maybeRetrainQuantizer();
        return slots;
    }

    private void linkParallel(float[][] vectors, int start, int from, int to) {
        int threads = Math.min(config.effectiveBuildThreads(), Math.max(1, (to - from) / 32));
        AtomicInteger cursor = new AtomicInteger(from);
        Runnable worker = () -> {
            SearchState state = states.get();
            for (int i = cursor.getAndIncrement(); i < to; i = cursor.getAndIncrement()) {
                linker.link(start + i, vectors[i], -1, totalSlots, state);
            }
        };
        if (threads <= 1) {
            worker.run();
            return;
        }
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable guarded = () -> {
            try {
                worker.run();
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
                cursor.set(to); // the others stop at their next item
            }
        };
        ExecutorService pool = buildPool();
        List<Future<?>> helpers = new ArrayList<>();
        for (int t = 1; t < threads; t++) {
            helpers.add(pool.submit(guarded));
        }
        guarded.run();
        boolean interrupted = false;
        for (Future<?> f : helpers) {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    failure.compareAndSet(null, e.getCause());
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable f = failure.get();
        if (f instanceof RuntimeException re) {
            throw re;
        }
        if (f instanceof Error err) {
            throw err;
        }
        if (f != null) {
            throw new IllegalStateException("batch build failed", f);
        }
    }

    /**
     * Helper threads of batch builds, kept for the index's lifetime so their per-thread search state (visited
     * stamps sized to the index) is allocated once, not once per batch.
     */
    private ExecutorService buildPool() {
        ExecutorService pool = buildPool;
        if (pool == null) {
            synchronized (allocationLock) {
                pool = buildPool;
                if (pool == null) {
                    int helpers = Math.max(1, config.effectiveBuildThreads() - 1);
                    AtomicInteger names = new AtomicInteger();
                    pool = Executors.newFixedThreadPool(helpers, r -> Thread.ofPlatform()
                            .name("quiver-hnsw-build-" + names.getAndIncrement()).daemon().unstarted(r));
                    buildPool = pool;
                }
            }
        }
        return pool;
    }

    /** Reserves {@code n} consecutive slots with capacity in every slab; published once capacity exists. */
    private int allocate(int n) {
        synchronized (allocationLock) {
            int start = totalSlots;
            long end = (long) start + n;
            if (end > Integer.MAX_VALUE - 1) {
                throw new IllegalStateException("index full: " + start + " slots + " + n);
            }
            store.ensureCapacity((int) end);
            layers.ensureCapacity((int) end);
            Sq8Store q = quant;
            if (q != null) {
                q.ensureCapacity((int) end);
            }
            for (int i = 0; i < n; i++) {
                layers.initNode(start + i, drawLevel(start + i));
            }
            totalSlots = (int) end;
            return start;
        }
    }

    /** Writes the vector, norm and code of a fresh slot and makes it visible to exact scans. */
    private void store(int slot, float[] vector) {
        writeVector(slot, vector);
        layers.markPresent(slot);
    }

    /**
     * Writes vector, norm and (when quantized) code under the read side of {@code quantLock}, so a concurrent
     * (re)training, which encodes every slot under the write side, sees either the new vector or none: no slot can
     * end up with a code of a vector it does not hold.
     */
    private void writeVector(int slot, float[] vector) {
        quantLock.readLock().lock();
        try {
            store.write(slot, vector);
            Sq8Store q = quant;
            if (q != null) {
                q.ensureCapacity(slot + 1);
                q.encode(slot, vector, new byte[dim], true);
            }
        } finally {
            quantLock.readLock().unlock();
        }
    }

    /**
     * Level of a slot: {@code floor(-ln(U) / ln(M))} with U in (0, 1] from a hash of (seed, slot), capped at
     * {@link HnswConfig#MAX_LEVEL}. Hashing the slot (instead of drawing from a shared generator) gives the same
     * levels however many threads build, and U is never 0 (vctrs-behaviour §11.22).
     */
    int drawLevel(int slot) {
        long z = config.seed() + (slot + 1L) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        double u = ((z >>> 11) + 1) * 0x1.0p-53;
        int level = (int) Math.floor(-Math.log(u) * levelMultiplier);
        return Math.min(level, HnswConfig.MAX_LEVEL);
    }

    /**
     * Replaces the vector of {@code slot} and re-links it. An identical vector is a no-op. The node's in-links are
     * removed from its old neighbours and from the nodes a beam search around the old vector finds (the nodes that
     * chose it as a neighbour), each repaired through the node's old neighbours; then it is linked afresh.
     * A deleted slot gets the new vector and stays hidden.
     */
    public void update(int slot, float[] vector) {
        checkOpen();
        checkSlot(slot);
        checkVector(vector, "vector");
        updateLock.lock();
        try {
            if (store.sameAs(slot, vector)) {
                return;
            }
            if (layers.isDeleted(slot)) {
                writeVector(slot, vector);
                return;
            }
            SearchState state = states.get();
            int level = layers.level(slot);
            float[] old = new float[dim];
            store.read(slot, old);
            removeInLinks(slot, level, old, state);
            int start = -1;
            long ep = entry.get();
            if (EntryPoint.slot(ep) == slot) {
                start = otherEntryCandidate(slot, level, state);
            }
            linker.clearLists(slot);
            writeVector(slot, vector);
            if (EntryPoint.slot(ep) == slot && start < 0) {
                return; // the only live node: nothing to link to
            }
            linker.link(slot, vector, start, totalSlots, state);
        } finally {
            updateLock.unlock();
        }
    }

    private void removeInLinks(int slot, int level, float[] oldVector, SearchState state) {
        int total = totalSlots;
        for (int l = level; l >= 0; l--) {
            // Holders: the node's own neighbours (links are mostly symmetric) and what a search for it finds.
            int n = layers.readNeighbors(slot, l, state.neighbors);
            int[] holders = Arrays.copyOf(state.neighbors, n);
            for (int s : holders) {
                linker.unlink(s, l, slot, state);
            }
            if (l == 0) {
                int found = searchAround(oldVector, slot, state, total);
                int[] more = Arrays.copyOf(state.hitSlots, found);
                for (int s : more) {
                    if (contains(s, 0, slot, state)) {
                        linker.unlink(s, 0, slot, state);
                    }
                }
            }
        }
    }

    private boolean contains(int node, int level, int target, SearchState state) {
        int n = layers.readNeighbors(node, level, state.neighbors2);
        for (int i = 0; i < n; i++) {
            if (state.neighbors2[i] == target) {
                return true;
            }
        }
        return false;
    }

    /** Beam search (ef = efConstruction) for {@code q} excluding {@code exclude}; hits in state.hitSlots. */
    private int searchAround(float[] q, int exclude, SearchState state, int total) {
        long ep = entry.get();
        if (ep == EntryPoint.NONE) {
            return 0;
        }
        QueryScorer scorer = new FloatScorer(store, q);
        int cur = EntryPoint.slot(ep);
        float curScore = scorer.score(cur);
        for (int l = EntryPoint.level(ep); l > 0; l--) {
            cur = searcher.greedy(scorer, cur, curScore, l, state);
            curScore = state.hitScores[0];
        }
        state.candSlots[0] = cur;
        state.candScores[0] = curScore;
        searcher.beam(scorer, 1, 0, config.efConstruction(), null, exclude, false, true, total, state);
        state.ensureHits(state.results.size());
        return state.results.drainReversed(state.hitSlots, state.hitScores);
    }

    /** A live node other than {@code slot} to start from when {@code slot} is the entry point. */
    private int otherEntryCandidate(int slot, int level, SearchState state) {
        for (int l = level; l >= 0; l--) {
            int n = layers.readNeighbors(slot, l, state.neighbors);
            for (int i = 0; i < n; i++) {
                if (layers.isLive(state.neighbors[i]) && state.neighbors[i] != slot) {
                    return state.neighbors[i];
                }
            }
        }
        int best = -1;
        int total = totalSlots;
        for (int s = 0; s < total; s++) {
            if (s != slot && layers.isLive(s) && (best < 0 || layers.level(s) > layers.level(best))) {
                best = s;
            }
        }
        return best;
    }

    /**
     * Tombstones {@code slot}; false if it is out of range or already deleted. Lists around it with many
     * tombstones are repaired at once, and the entry point moves off it.
     */
    public boolean delete(int slot) {
        checkOpen();
        if (slot < 0 || slot >= totalSlots || !layers.markDeleted(slot)) {
            return false;
        }
        live.decrementAndGet();
        deleted.incrementAndGet();
        SearchState state = states.get();
        if (EntryPoint.slot(entry.get()) == slot) {
            moveEntryOff(slot, state);
        }
        int level = layers.level(slot);
        for (int l = 0; l <= level; l++) {
            int n = layers.readNeighbors(slot, l, state.neighbors);
            int[] around = Arrays.copyOf(state.neighbors, n);
            for (int s : around) {
                if (layers.isLive(s) && tombstoneRatio(s, l, state) >= REPAIR_TOMBSTONE_RATIO) {
                    linker.repair(s, l, -1, state);
                }
            }
        }
        return true;
    }

    private double tombstoneRatio(int node, int level, SearchState state) {
        int n = layers.readNeighbors(node, level, state.neighbors2);
        if (n == 0) {
            return 0;
        }
        int dead = 0;
        for (int i = 0; i < n; i++) {
            if (!layers.isLive(state.neighbors2[i])) {
                dead++;
            }
        }
        return (double) dead / n;
    }

    private void moveEntryOff(int slot, SearchState state) {
        long before = entry.get();
        if (EntryPoint.slot(before) != slot) {
            return;
        }
        int replacement = otherEntryCandidate(slot, EntryPoint.level(before), state);
        long next = replacement < 0 ? EntryPoint.NONE : EntryPoint.pack(replacement, layers.level(replacement));
        // A concurrent insert may have raised the entry meanwhile; then it is not on the deleted node any more.
        entry.compareAndSet(before, next);
        if (replacement >= 0 && next != EntryPoint.NONE) {
            // The replacement may sit below the old top: keep the highest live node reachable as entry.
            int best = replacement;
            int total = totalSlots;
            for (int s = 0; s < total; s++) {
                if (layers.isLive(s) && layers.level(s) > layers.level(best)) {
                    best = s;
                }
            }
            if (best != replacement) {
                entry.compareAndSet(next, EntryPoint.pack(best, layers.level(best)));
            }
        }
    }

    /**
     * Repairs every live list that points at a tombstone (reconnecting through the tombstone's neighbours).
     * Linear in the index size; {@link #delete} repairs locally, this is the full sweep.
     * Returns the number of lists rewritten.
     */
    public int repairTombstones() {
        checkOpen();
        SearchState state = states.get();
        int total = totalSlots;
        int repaired = 0;
        for (int s = 0; s < total; s++) {
            if (!layers.isLive(s)) {
                continue;
            }
            int level = layers.level(s);
            for (int l = 0; l <= level; l++) {
                if (tombstoneRatio(s, l, state) > 0 && linker.repair(s, l, -1, state)) {
                    repaired++;
                }
            }
        }
        return repaired;
    }

    public boolean isDeleted(int slot) {
        checkSlot(slot);
        return layers.isDeleted(slot);
    }

    // ---------------------------------------------------------------- search

    /**
     * The {@code k} nearest live (and accepted) slots, nearest first.
     *
     * @param efSearch beam width; the search uses {@code max(efSearch, k)}
     * @param filter   null for all slots
     * @param mode     AUTO, EXACT or GRAPH
     */
    public SearchHits search(float[] q, int k, int efSearch, SlotFilter filter, SearchMode mode) {
        checkOpen();
        checkVector(q, "query");
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        if (efSearch < 0) {
            throw new IllegalArgumentException("efSearch must be >= 0, got " + efSearch);
        }
        if (mode == null) {
            throw new IllegalArgumentException("mode must not be null");
        }
        int liveNow = live.get();
        if (liveNow == 0 || totalSlots == 0) {
            return SearchHits.empty();
        }
        SearchState state = states.get();
        state.resetWork();
        int accepted = filter == null ? liveNow : filter.estimatedCount();
        boolean exact = switch (mode) {
            case EXACT -> true;
            case GRAPH -> false;
            case AUTO -> useExact(liveNow, filter != null, accepted, Math.max(efSearch, k));
        };
        if (!exact) {
            int found = graphSearch(q, k, Math.max(efSearch, k), filter, accepted, liveNow, state);
            // found < 0: the filtered walk used up the work an exact scan of the accepted slots would cost.
            boolean shortOfK = found < 0 || found < k && (accepted < 0 || found < Math.min(k, accepted));
            if (!shortOfK) {
                return hits(found, state);
            }
            // The graph could not reach k accepted nodes (a very selective filter, or many tombstones):
            // the exact scan guarantees k whenever k exist.
            state.exactFallback = true;
        }
        scanner.scan(new FloatScorer(store, q), k, filter, totalSlots, state);
        state.ensureHits(state.results.size());
        return hits(state.results.drainReversed(state.hitSlots, state.hitScores), state);
    }

    /**
     * The AUTO choice. Unfiltered: scan exactly while the live count is below {@code exactScanFactor * ef} (where the
     * scan costs no more than the graph, see {@link HnswConfig#DEFAULT_EXACT_SCAN_FACTOR}). Filtered, with a known
     * accepted count: scan the accepted slots exactly while that costs less than the expected walk ({@link
     * #estimatedFilteredWork} graph distances at {@link #GRAPH_DISTANCE_COST} scanned distances each), or while they
     * are fewer than {@link #EXACT_FILTER_RATIO} of the live slots (below it a walk must cross ~1/ratio rejected
     * nodes per accepted one, whatever the collection's size).
     */
    private boolean useExact(int liveNow, boolean filtered, int accepted, int ef) {
        if (liveNow < (long) config.exactScanFactor() * ef) {
            return true;
        }
        if (!filtered || accepted < 0) {
            return false;
        }
        return accepted < GRAPH_DISTANCE_COST * estimatedFilteredWork(ef) || accepted < EXACT_FILTER_RATIO * liveNow;
    }

    /** Expected distances of a filtered walk with beam {@code ef} (see {@link #FILTERED_WORK_PER_DEGREE}). */
    double estimatedFilteredWork(int ef) {
        return (ef + 10.0) * config.maxDegree0() * FILTERED_WORK_PER_DEGREE;
    }

    /** The work of the last {@link #search} on the calling thread (for tests and benchmarks). */
    public SearchWork lastSearchWork() {
        SearchState state = states.get();
        return new SearchWork(state.expanded, state.bridges, state.distances, state.exactFallback);
    }

    /** Whether an unfiltered AUTO search with beam {@code ef} currently takes the exact path. */
    public boolean usesExactPath(int ef) {
        return useExact(live.get(), false, -1, ef);
    }

    private int graphSearch(float[] q, int k, int ef, SlotFilter filter, int accepted, int liveNow,
                            SearchState state) {
        long ep = entry.get();
        if (ep == EntryPoint.NONE) {
            return 0;
        }
        Sq8Store codes = quant;
        QueryScorer scorer = codes == null ? new FloatScorer(store, q)
                : new Sq8Scorer(codes, store, q, state.queryCode(dim));
        int cur = EntryPoint.slot(ep);
        float curScore = scorer.score(cur);
        for (int l = EntryPoint.level(ep); l > 0; l--) {
            cur = searcher.greedy(scorer, cur, curScore, l, state);
            curScore = state.hitScores[0];
        }
        boolean twoHop = filter != null && (accepted < 0 || accepted < TWO_HOP_RATIO * liveNow);
        state.candSlots[0] = cur;
        state.candScores[0] = curScore;
        // A filtered walk is bounded by the cost of the exact scan of its accepted slots: beyond that budget the
        // scan is the cheaper answer (and an exact one), so at worst a search costs about twice the scan.
        long budget = filter == null || accepted < 0 ? Long.MAX_VALUE : (long) accepted / GRAPH_DISTANCE_COST;
        if (!searcher.beam(scorer, 1, 0, ef, filter, -1, twoHop, deleted.get() > 0, totalSlots, budget, state)) {
            return -1;
        }
        int found = state.results.size();
        state.ensureHits(found);
        state.results.drainReversed(state.hitSlots, state.hitScores);
        if (codes != null) {
            // Re-rank every beam survivor with exact float32 distances (the re-rank factor is ef / k).
            FloatScorer exact = new FloatScorer(store, q);
            state.ensureGather(found);
            exact.score(state.hitSlots, found, state.hitScores, state);
            ScoreHeap best = state.results; // empty again after the drain above
            for (int i = 0; i < found; i++) {
                best.offerBounded(state.hitScores[i], state.hitSlots[i], k);
            }
            found = best.drainReversed(state.hitSlots, state.hitScores);
        }
        return Math.min(found, k);
    }

    private static SearchHits hits(int count, SearchState state) {
        return new SearchHits(Arrays.copyOf(state.hitSlots, count), Arrays.copyOf(state.hitScores, count), count);
    }

    // ---------------------------------------------------------------- reads

    public float[] vector(int slot) {
        checkOpen();
        checkSlot(slot);
        float[] v = new float[dim];
        store.read(slot, v);
        return v;
    }

    public void vector(int slot, float[] dst) {
        checkOpen();
        checkSlot(slot);
        store.read(slot, dst);
    }

    /** Slots ever assigned (live + deleted). */
    public int totalSlots() {
        return totalSlots;
    }

    public int liveCount() {
        return live.get();
    }

    public int deletedCount() {
        return deleted.get();
    }

    // ---------------------------------------------------------------- maintenance

    /**
     * Builds the live slots into a new index aside (parallel batch build, same config; SQ8 re-trained if enabled)
     * and returns it with the old-to-new slot map. This index stays searchable meanwhile; the caller swaps the two
     * and closes this one.
     */
    public CompactionResult compact() {
        checkOpen();
        int total = totalSlots;
        int[] oldToNew = new int[total];
        int n = 0;
        for (int s = 0; s < total; s++) {
            oldToNew[s] = layers.isLive(s) ? n++ : -1;
        }
        HnswIndex fresh = HnswIndex.create(config);
        // In batches, so the heap holds one batch of vectors, not a copy of the whole index.
        float[][] batch = new float[Math.min(n, COMPACTION_BATCH)][];
        int filled = 0;
        for (int s = 0; s < total; s++) {
            if (oldToNew[s] < 0) {
                continue;
            }
            batch[filled++] = vector(s);
            if (filled == batch.length) {
                fresh.insertBatch(batch);
                filled = 0;
            }
        }
        if (filled > 0) {
            fresh.insertBatch(Arrays.copyOf(batch, filled));
        }
        if (quant != null) {
            fresh.enableQuantization();
        }
        return new CompactionResult(fresh, oldToNew);
    }

    /** Trains SQ8 on the live vectors and traverses on codes from now on (re-ranking with float32). */
    public void enableQuantization() {
        checkOpen();
        retrainQuantizer();
    }

    private void retrainQuantizer() {
        quantLock.writeLock().lock();
        try {
            int total = totalSlots;
            int[] liveSlots = new int[total];
            int n = 0;
            for (int s = 0; s < total; s++) {
                if (layers.isLive(s)) {
                    liveSlots[n++] = s;
                }
            }
            int count = n;
            float[] buffer = new float[dim];
            Sq8Quantizer quantizer = Sq8Quantizer.train(dim, count, i -> {
                store.read(liveSlots[i], buffer);
                return buffer;
            });
            Sq8Store codes = new Sq8Store(quantizer);
            codes.ensureCapacity(Math.max(total, 1));
            byte[] scratch = new byte[dim];
            // Every slot, written or not: a writer that finished writeVector before this lock holds its vector in
            // the store; one that has not started will encode into the new codes once they are published.
            for (int s = 0; s < total; s++) {
                store.read(s, buffer);
                codes.encode(s, buffer, scratch, false);
            }
            Sq8Store previous = quant;
            quant = codes;
            if (previous != null) {
                synchronized (retiredQuant) {
                    retiredQuant.add(previous);
                }
            }
        } finally {
            quantLock.writeLock().unlock();
        }
    }

    /** Retrains when the values inserted since training fall outside its range too often. */
    private void maybeRetrainQuantizer() {
        Sq8Store q = quant;
        if (q != null && q.drifted()) {
            retrainQuantizer();
        }
    }

    public void disableQuantization() {
        checkOpen();
        quantLock.writeLock().lock();
        try {
            Sq8Store previous = quant;
            quant = null;
            if (previous != null) {
                synchronized (retiredQuant) {
                    retiredQuant.add(previous);
                }
            }
        } finally {
            quantLock.writeLock().unlock();
        }
    }

    public boolean isQuantized() {
        return quant != null;
    }

    /** The trained quantizer, or null when SQ8 is off. */
    public Sq8Quantizer quantizer() {
        Sq8Store q = quant;
        return q == null ? null : q.quantizer();
    }

    public IndexStats stats() {
        checkOpen();
        long ep = entry.get();
        int numLayers = ep == EntryPoint.NONE ? 0 : EntryPoint.level(ep) + 1;
        int total = totalSlots;
        long sum = 0;
        int max = 0;
        int min = Integer.MAX_VALUE;
        int count = 0;
        for (int s = 0; s < total; s++) {
            if (layers.isLive(s)) {
                int d = layers.neighborCount(s, 0);
                sum += d;
                max = Math.max(max, d);
                min = Math.min(min, d);
                count++;
            }
        }
        Sq8Store q = quant;
        return new IndexStats(numLayers, count == 0 ? 0 : (double) sum / count, max, count == 0 ? 0 : min,
                store.reservedBytes(), layers.reservedBytes(), q == null ? 0 : q.reservedBytes(),
                usesExactPath(defaultEfSearch(10)));
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        ExecutorService pool = buildPool;
        if (pool != null) {
            pool.shutdownNow();
        }
        store.close();
        layers.close();
        Sq8Store q = quant;
        if (q != null) {
            q.close();
        }
        synchronized (retiredQuant) {
            for (Sq8Store r : retiredQuant) {
                r.close();
            }
            retiredQuant.clear();
        }
    }

    // ---------------------------------------------------------------- validation

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("index is closed");
        }
    }

    private void checkSlot(int slot) {
        if (slot < 0 || slot >= totalSlots) {
            throw new IndexOutOfBoundsException("slot " + slot + " out of range [0, " + totalSlots + ")");
        }
    }

    private void checkVector(float[] v, String what) {
        if (v == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        if (v.length != dim) {
            throw new IllegalArgumentException("dimension mismatch: expected " + dim + ", got " + v.length);
        }
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw new IllegalArgumentException(what + "[" + i + "] is not finite: " + v[i]);
            }
        }
    }
}
