package dev.quiver.internal.hnsw;

import dev.quiver.internal.quant.Sq8Quantizer;
import dev.quiver.internal.quant.Sq8Codes;
import dev.quiver.simd.VectorOps;
import dev.quiver.storage.gen.Generation;
import dev.quiver.storage.gen.GenerationWriter;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An HNSW index over off-heap slabs, as a facade over the parts that do the work: vectors and norms in a
 * {@link VectorSlabs}, the layers in {@link GraphLayers}, linking in {@link GraphLinker} (batches on several threads
 * through {@link BatchLinker}), searches in {@link GraphSearcher} and {@link ExactScanner}, keeping the graph
 * navigable across updates and deletes in {@link GraphRepair}, every live node reachable in {@link GraphConnector},
 * and the SQ8 codes' training, retraining and reclaiming in {@link QuantizationLifecycle}; saving and opening in
 * {@link IndexSnapshots}, compaction in {@link IndexCompaction}.
 * This class owns slots, validation and the search plan.
 *
 * <h2>Slots</h2>
 * Every insert takes the next slot; slots are never reused. A deleted slot is a tombstone: never returned, still
 * traversed (so deletions do not cut the graph) until its neighbourhood is repaired or the index is compacted.
 *
 * <h2>Concurrency</h2>
 * All methods are thread-safe. Searches take no lock: they read neighbour lists through the seqlock of
 * {@link GraphLayers} and per-thread scratch ({@link SearchState}), so they never wait for a batch insert and never
 * see a torn list. Inserts run concurrently (a batch links on {@code buildThreads} threads). Locks, in the only order
 * they may nest: {@code updateLock} (serialises {@link #update} re-links) → the {@link QuantizationLifecycle}'s lock
 * (read by writers encoding a code, written by (re)training) → one node stripe lock at a time → the {@link EntryPoint}
 * monitor. A thread never holds two stripe locks. {@code allocationLock} (slot allocation and slab growth) is a
 * leaf: nothing else is acquired while it is held except the slabs' own growth locks and the quantizer's list of
 * replaced codes (itself a leaf). {@link #connectUnreachable} runs with writers kept out and holds one stripe lock at a
 * time. {@link #close()} must not race with other calls (the database's lifecycle lock sees to it).
 *
 * <h2>Departures from vctrs (docs/DEPARTURES.md, engine)</h2>
 * Diversity heuristic for neighbour selection and pruning (E1); nothing O(n) per query (E2); tombstones never
 * returned, lists around them repaired, entry point moved off them, updates remove in-links and never self-loop (E3);
 * filters collect only accepted nodes with two-hop expansion, exact scan when few match (E4); measured exact-path
 * cut-over (E5); SQ8 traverses integer codes and re-ranks, retrains on drift, trains on live slots only (E6); seeded,
 * capped levels (E7); identical update is a no-op (E8); nodes no path reaches get an in-link before a save (E13).
 */
public final class HnswIndex implements AutoCloseable {

    /**
     * vctrs's default beam width for {@code k} results, {@code max(200, k + floor(10 * sqrt(k)))}: the default of an
     * index not yet calibrated ({@link #searchDefaults}).
     */
    public static int defaultEfSearch(int k) {
        return Math.max(200, k + (int) Math.floor(10 * Math.sqrt(k)));
    }

    private final HnswConfig config;
    private final int dim;
    private final double levelMultiplier;
    private final VectorSlabs store;
    private final GraphLayers layers;
    private final EntryPoint entry = new EntryPoint();
    private final GraphSearcher searcher;
    private final GraphLinker linker;
    private final BatchLinker batchLinker;
    private final GraphRepair repair;
    private final GraphConnector connector;
    private final QuantizationLifecycle quant;
    private final KnnSearch knn;
    private final SearchStatePool states;

    private final Object allocationLock = new Object();
    private volatile int totalSlots;
    private final AtomicInteger live = new AtomicInteger();
    private final AtomicInteger deleted = new AtomicInteger();

    private final ReentrantLock updateLock = new ReentrantLock();
    /** Writes that may change lists (inserts, updates, deletes, sweeps): {@link #connectUnreachable} skips if none. */
    private final AtomicLong listWrites = new AtomicLong();
    /** {@link #listWrites} when {@link #connectUnreachable} last ran, or -1. */
    private volatile long connectedAt = -1;
    /** The plan of searches without an explicit efSearch; replaced whole by {@link #calibrateDefaults}. */
    private volatile SearchDefaults defaults = SearchDefaults.UNCALIBRATED;
    /**
     * Whether the walk {@link #defaults} was measured on (or, for a plan read from a file, the walk at open) scores
     * SQ8 codes: a save measures again once searches walk otherwise (quantization switched, or the index grown past
     * the cache, {@link CodeWalkRule}), since a plan measured on one walk need not reach its target on the other.
     */
    private volatile boolean defaultsOnCodes;
    private final AtomicReference<Boolean> closed = new AtomicReference<>(false);

    private HnswIndex(HnswConfig config) {
        this(config, new VectorSlabs(config.dim(), config.metric()), new GraphLayers(config.m()));
    }

    private HnswIndex(HnswConfig config, VectorSlabs store, GraphLayers layers) {
        this.config = config;
        this.dim = config.dim();
        this.levelMultiplier = 1.0 / Math.log(config.m());
        this.store = store;
        this.layers = layers;
        this.searcher = new GraphSearcher(layers);
        this.linker = new GraphLinker(store, layers, searcher, entry, config.efConstruction(),
                () -> deleted.get() > 0);
        this.quant = new QuantizationLifecycle(store);
        this.knn = new KnnSearch(config, store, layers, entry, searcher, new ExactScanner(layers), quant, live, deleted,
                () -> totalSlots);
        int m0 = config.maxDegree0();
        int scratchDim = store.kernelDim();
        this.states = SearchStatePool.forMachine(() -> new SearchState(scratchDim, m0));
        this.batchLinker = new BatchLinker(linker, config.effectiveBuildThreads(), states, () -> totalSlots);
        this.repair = new GraphRepair(store, layers, linker, entry, quant, () -> totalSlots);
        this.connector = new GraphConnector(store, layers, linker, entry);
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
        writeTo(w, prefix, IndexFiles.VERSION);
    }

    /** {@link #writeTo(GenerationWriter, String)} with the meta file in format {@code metaVersion} (tests). */
    void writeTo(GenerationWriter w, String prefix, int metaVersion) {
        checkOpen();
        IndexSnapshots.write(this, w, prefix, metaVersion);
    }

    /** {@link #open(Generation, String, HnswConfig)} with no name prefix. */
    public static HnswIndex open(Generation g, HnswConfig cfg) {
        return open(g, "", cfg);
    }

    /**
     * Opens an index saved by {@link #writeTo}: the slabs are mapped copy-on-write from the generation's files (no
     * O(n) rebuild, no copy; later writes go to private pages or new chunks; read into memory where the storage
     * module has no native access, {@code Slab.openPrivate}). {@code cfg} must agree with the saved
     * dim, metric and M; its efConstruction, threads and cut-over apply from now on.
     */
    public static HnswIndex open(Generation g, String prefix, HnswConfig cfg) {
        return IndexSnapshots.open(g, prefix, cfg);
    }

    /** An index over slabs opened from a generation ({@link IndexSnapshots}); counters set by {@link #restore}. */
    static HnswIndex assemble(HnswConfig cfg, VectorSlabs store, GraphLayers layers) {
        return new HnswIndex(cfg, store, layers);
    }

    /** Sets what a saved meta file recorded besides the slabs: slot counts, entry point, search plan. */
    void restore(IndexFiles.Meta meta) {
        totalSlots = meta.totalSlots();
        live.set(meta.live());
        deleted.set(meta.deleted());
        entry.set(meta.entry());
        defaults = meta.defaults();
        defaultsOnCodes = walksCodes(); // the codes are adopted before this; a file does not say where it was measured
    }

    /** The meta file's view of this index now, with the SQ8 codes {@code q} (null when it holds none). */
    IndexFiles.Meta meta(int total, Sq8Codes q) {
        return new IndexFiles.Meta(dim, config.metric(), config.m(), config.efConstruction(), config.seed(), total,
                live.get(), deleted.get(), entry.get(), layers.upperRecordCount(),
                q == null ? 0f : q.quantizer().scale(), q == null ? null : q.quantizer().offsets(), defaults,
                quant.traverses(), IndexFiles.VERSION);
    }

    VectorSlabs store() {
        return store;
    }

    GraphLayers layers() {
        return layers;
    }

    QuantizationLifecycle quantization() {
        return quant;
    }

    // ---------------------------------------------------------------- writes

    /** Stores {@code vector} (verbatim) in a new slot and links it; thread-safe. Returns the slot. */
    public int insert(float[] vector) {
        checkOpen();
        checkVector(vector, "vector");
        int slot = allocate(1);
        store(slot, vector);
        live.incrementAndGet();
        listWrites.incrementAndGet();
        SearchState state = states.acquire();
        try {
            linker.link(slot, vector, -1, totalSlots, state);
        } finally {
            states.release(state);
        }
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
        listWrites.incrementAndGet();
        batchLinker.link(vectors, start, totalSlots - n);
        maybeRetrainQuantizer();
        return slots;
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
            quant.ensureCapacity((int) end);
            for (int i = 0; i < n; i++) {
                layers.initNode(start + i, drawLevel(start + i));
            }
            totalSlots = (int) end;
            return start;
        }
    }

    /** Writes the vector, norm and code of a fresh slot and makes it visible to exact scans. */
    private void store(int slot, float[] vector) {
        quant.write(slot, vector);
        layers.markPresent(slot);
    }

    /**
     * Level of a slot: {@code floor(-ln(U) / ln(M))} with U in (0, 1] from a hash of (seed, slot), capped at
     * {@link HnswConfig#MAX_LEVEL}. Hashing the slot (instead of drawing from a shared generator) gives the same
     * levels however many threads build, and U is never 0 (docs/DEPARTURES.md E7).
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
            listWrites.incrementAndGet();
            SearchState state = states.acquire();
            try {
                repair.relink(slot, vector, state);
            } finally {
                states.release(state);
            }
        } finally {
            updateLock.unlock();
        }
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
        listWrites.incrementAndGet();
        SearchState state = states.acquire();
        try {
            repair.afterDelete(slot, state);
        } finally {
            states.release(state);
        }
        return true;
    }

    /**
     * Repairs every live list that points at a tombstone (reconnecting through the tombstone's neighbours).
     * Linear in the index size; {@link #delete} repairs locally, this is the full sweep.
     * Returns the number of lists rewritten.
     */
    public int repairTombstones() {
        checkOpen();
        listWrites.incrementAndGet();
        SearchState state = states.acquire();
        try {
            return repair.sweep(state);
        } finally {
            states.release(state);
        }
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
        SearchState state = states.acquire();
        try {
            return knn.search(q, k, efSearch, filter, mode, state);
        } finally {
            states.release(state);
        }
    }

    /**
     * Gives every live node that layer 0 cannot reach from the entry point an in-link ({@link GraphConnector}), so
     * that no stored vector is out of every search's reach (whether a given beam finds it still depends on where the
     * descent through the upper layers starts it); returns how many links were added. Skipped when nothing that changes
     * lists ran since the last call. Searches may run meanwhile; the caller keeps writers out (the database calls it
     * before each save).
     */
    public int connectUnreachable() {
        checkOpen();
        long writes = listWrites.get();
        if (writes == connectedAt) {
            return 0;
        }
        SearchState state = states.acquire();
        try {
            int added = connector.connect(totalSlots, state).total();
            connectedAt = writes;
            return added;
        } finally {
            states.release(state);
        }
    }

    /** Whether every live node is reachable on layer 0 from the entry point (a full sweep; for tests and probes). */
    boolean allReachable() {
        return connector.allReachable(totalSlots);
    }

    /** The plan of searches without an explicit efSearch (uncalibrated until the first {@link #calibrateDefaults}). */
    public SearchDefaults searchDefaults() {
        return defaults;
    }

    /**
     * Measures the default search plan toward {@code targetRecall} ({@link DefaultEfCalibrator}) unless the current
     * one was measured for that target at about this size, on the walk searches take now (float32 or codes,
     * {@link CodeWalkRule}); returns whether it changed. Searches may run meanwhile;
     * the caller keeps writers out (the database calls it before each save).
     */
    public boolean calibrateDefaults(double targetRecall) {
        checkOpen();
        boolean onCodes = walksCodes();
        if (!defaults.staleFor(live.get(), targetRecall) && onCodes == defaultsOnCodes) {
            return false;
        }
        SearchDefaults measured = DefaultEfCalibrator.calibrate(this, targetRecall, config.seed());
        boolean changed = !measured.equals(defaults);
        defaults = measured;
        defaultsOnCodes = onCodes;
        if (!measured.codeScan()) {
            quant.dropScanCodes(); // codes kept only for a code scan the plan no longer runs
        }
        return changed;
    }

    /**
     * Trains SQ8 codes for the default plan's code scan when the index has none (they are then kept up to date by
     * every write, saved with the index and counted in {@link IndexStats#quantizedBytes}); graph walks stay on float32
     * unless SQ8 traversal is on. Called by the calibration, which the caller runs with writers kept out.
     */
    void ensureScanCodes() {
        quant.ensureScanCodes(() -> totalSlots, layers::isLive);
    }

    /**
     * The code scan's candidates for {@code q}: the {@code r} nearest live slots on SQ8 codes, nearest first, each
     * with its exact float32 distance (not re-sorted), for the calibration to measure recall at every re-rank count up
     * to {@code r} in one pass. Empty when the index holds no codes.
     */
    SearchHits codeScanCandidates(float[] q, int r) {
        SearchState state = states.acquire();
        try {
            return knn.codeScanCandidates(q, r, state);
        } finally {
            states.release(state);
        }
    }

    /** A graph walk that never visits {@code hidden}, a layer-0-only slot (see {@link KnnSearch#searchHiding}). */
    SearchHits searchHiding(float[] q, int k, int ef, int hidden) {
        SearchState state = states.acquire();
        try {
            return knn.searchHiding(q, k, ef, hidden, state);
        } finally {
            states.release(state);
        }
    }

    /**
     * The exact {@code k} nearest live slots of each query, nearest first, as {@link #search} in
     * {@link SearchMode#EXACT} gives them, from one pass over the vectors for all the queries (on the calling thread).
     */
    SearchHits[] exactSearchEach(float[][] queries, int k) {
        checkOpen();
        assert k >= 1 : k;
        SearchState state = states.acquire();
        try {
            return knn.exactEach(queries, k, state);
        } finally {
            states.release(state);
        }
    }

    /** Runs {@code body} for each item of {@code [0, count)} on the build threads (see {@link BatchLinker#forEachItem}). */
    void forEachItem(int count, java.util.function.IntConsumer body) {
        batchLinker.forEachItem(count, body);
    }

    /** The top layer of {@code slot} (0 for most). */
    int levelOf(int slot) {
        return layers.level(slot);
    }

    /** Whether an unfiltered AUTO search with beam {@code ef} currently takes the exact path. */
    public boolean usesExactPath(int ef) {
        return knn.usesExactPath(ef);
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
        return IndexCompaction.compact(this, layers::isLive, quant.traverses());
    }

    /**
     * Trains SQ8 on the live vectors; graph walks score the codes from now on where they pay ({@link CodeWalkRule},
     * re-ranking with float32) and stay on float32 elsewhere.
     */
    public void enableQuantization() {
        checkOpen();
        Sq8Codes.requireSupported(dim, "quantization");
        retrainQuantizer();
    }

    private void retrainQuantizer() {
        quant.retrain(() -> totalSlots, layers::isLive);
    }

    /** Retrains when the values inserted since training fall outside its range too often. */
    private void maybeRetrainQuantizer() {
        quant.retrainIfDrifted(() -> totalSlots, layers::isLive);
    }

    /**
     * Traverses on float32 from now on; the codes are freed once no running search holds them, or kept for the
     * default plan when it is a code scan.
     */
    public void disableQuantization() {
        checkOpen();
        quant.stopTraversal(defaults.codeScan());
    }

    /** The index's search scratch pool (tests). */
    SearchStatePool searchStates() {
        return states;
    }

    /** Code slabs replaced by a retrain or a switch-off and still held by a running search (tests). */
    int retiredCodesInUse() {
        return quant.retiredInUse();
    }

    /**
     * Whether SQ8 traversal is on (codes kept only for the default plan's code scan do not count); whether a walk uses
     * the codes now is {@link #walksCodes}.
     */
    public boolean isQuantized() {
        return quant.traverses();
    }

    /**
     * Whether a graph walk started now would score SQ8 codes: the index is quantized and its configuration's
     * {@link CodeWalkRule} says codes pay at its size and dimension (otherwise quantized walks stay on float32).
     */
    public boolean walksCodes() {
        return quant.traverses() && knn.walkCodes();
    }

    /** Whether the index holds SQ8 codes, for traversal or for the default plan's code scan. */
    public boolean hasCodes() {
        return quant.hasCodes();
    }

    /** The trained quantizer, or null when the index holds no codes. */
    public Sq8Quantizer quantizer() {
        return quant.quantizer();
    }

    public IndexStats stats() {
        checkOpen();
        long ep = entry.get();
        int numLayers = ep == EntryPoint.NONE ? 0 : EntryPoint.level(ep) + 1;
        return IndexStats.of(layers, numLayers, totalSlots, store.reservedBytes(), quant.reservedBytes(),
                defaults.exact() || usesExactPath(defaults.efFor(10)));
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        batchLinker.close();
        store.close();
        layers.close();
        quant.close();
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
        if (Float.isFinite(VectorOps.normSquared(v))) {
            return; // no component is NaN or infinite (any would make the norm so): one SIMD pass, not a scalar loop
        }
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw new IllegalArgumentException(what + "[" + i + "] is not finite: " + v[i]);
            }
        }
    }
}
