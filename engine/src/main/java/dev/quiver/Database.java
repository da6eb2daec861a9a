package dev.quiver;

import dev.quiver.internal.db.Catalog;
import dev.quiver.internal.db.DbShape;
import dev.quiver.internal.db.DbStore;
import dev.quiver.internal.db.FilterIndex;
import dev.quiver.internal.db.FrozenJson;
import dev.quiver.internal.db.InputChecks;
import dev.quiver.internal.db.JsonTransfer;
import dev.quiver.internal.db.QueryPlanner;
import dev.quiver.internal.db.RecordLog;
import dev.quiver.internal.db.StorageDbStore;
import dev.quiver.internal.db.WalRecord;
import dev.quiver.internal.hnsw.CompactionResult;
import dev.quiver.internal.hnsw.HnswIndex;
import dev.quiver.internal.hnsw.IndexStats;
import dev.quiver.internal.meta.MetadataCodec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.IntStream;

/**
 * An embedded vector database in one directory: vectors with string ids and JSON metadata, nearest-neighbour search
 * with metadata filters, durable through a write-ahead log and atomic snapshot generations.
 *
 * <pre>{@code
 * try (Database db = Database.open(Path.of("my_db"), Config.dim(384))) {
 *     db.add("a", vector, Map.of("category", "science"));
 *     List<SearchResult> hits = db.search(query, SearchParams.k(10).filter(Filter.eq("category", "science")));
 * }
 * }</pre>
 *
 * <h2>Writes</h2>
 * Every write validates all of its input first (a rejected call changes nothing), then appends its log record(s)
 * (one record per id; a batch is one append and, under {@link Durability#SYNC}, one force), then applies the change
 * in memory and returns. Recovery replays the same records through the same code, so a reopened database equals the
 * one that acknowledged the writes.
 *
 * <h2>Concurrency and lock order</h2>
 * Thread-safe. Two locks, always taken in this order:
 * <ol>
 *   <li>{@code writeLock} (exclusive): serializes writers, {@code save}, {@code compact} and {@code close}, so the
 *       log order is the apply order. Readers never take it.</li>
 *   <li>{@code stateLock} (read/write): readers (search, get, count, ids...) hold it shared; a writer holds it
 *       exclusively only to publish a change to the id map, metadata and filter index, to overwrite an existing
 *       record's vector in place (update, upsert of a live id: one node's re-link, so readers never see a torn vector
 *       or a new vector with old metadata), and to swap the index after compaction. Graph linking of new records
 *       (single inserts, batch builds, compaction builds) runs outside it, so a search never waits for a batch
 *       build.</li>
 * </ol>
 * A search that meets a slot whose insert is linked but not yet published ignores it (see {@link QueryPlanner}).
 *
 * <h2>Saves and opening</h2>
 * A save (explicit, at a log checkpoint, at compaction or at close) holds {@code writeLock} throughout: writers wait
 * for it, readers do not (they are kept out only for the final switch to the new generation's files, a few pointer
 * swaps). Writing outside the writer lock would need the index's {@code writeTo} to run beside concurrent inserts and
 * the writes made meanwhile to be carried over onto the reopened files; it is not done. Opening maps the generation's
 * files (index slabs, id map, metadata, inverted index; see {@link StorageDbStore}) without decoding records, then
 * replays the log on top. Large files are checksummed in the background after open; if that finds damage, every
 * later call throws {@link CorruptDataException} naming the file, and close does not save.
 */
public final class Database implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Database.class.getName());

    private final Path path;
    private final Config config;
    private final DbShape shape;
    private final DbStore store;
    private final RecordLog log;
    private final Catalog catalog = new Catalog();
    private final FilterIndex filterIndex = new FilterIndex();
    private final long walBytesDroppedAtRecovery;

    private final ReentrantLock writeLock = new ReentrantLock();
    private final ReentrantReadWriteLock stateLock = new ReentrantReadWriteLock();

    /** Replaced by compaction (under the exclusive state lock). */
    private volatile HnswIndex index;
    private volatile boolean closed;
    /** Sequence number of the last record applied; guarded by writeLock. */
    private long appliedLsn;
    /** Log position the last saved (or loaded) generation covers; guarded by writeLock. */
    private long savedLsn = -1;
    /** Something not in the log changed since the last save (SQ8 codes switched); guarded by writeLock. */
    private boolean unsavedIndexChange;
    /** Written under writeLock, read by stats(). */
    private volatile long generation;
    /** Slots in the index when SQ8 was last trained; guarded by writeLock. */
    private int quantizedAtSlots;
    /** {@link #disableQuantizedSearch()} was called: the quantize setting no longer turns codes back on. */
    private volatile boolean quantizationSwitchedOff;

    private Database(Path path, DbStore store, DbShape shape, Config session, boolean created) {
        this.path = path;
        this.store = store;
        this.log = store.log();
        this.shape = shape;
        this.config = shape.toConfig(session);
        DbStore.Saved saved = store.current();
        boolean ok = false;
        try {
            if (saved != null) {
                this.index = store.load(shape.hnswConfig(config.buildThreads()), catalog, filterIndex);
                this.appliedLsn = saved.walLsn();
                this.savedLsn = saved.walLsn();
                this.generation = saved.generation();
                this.quantizedAtSlots = index.isQuantized() ? index.totalSlots() : 0;
            } else {
                this.index = HnswIndex.create(shape.hnswConfig(config.buildThreads()));
            }
            this.walBytesDroppedAtRecovery = replay();
            maintainQuantization(false);
            if (created) {
                // The shape goes first into the log, so the database reopens even if it is never saved.
                appliedLsn = log.append(shape.createRecord(), config.durability() == Durability.SYNC);
            }
            ok = true;
        } finally {
            if (!ok) {
                if (index != null) {
                    index.close();
                }
                store.close();
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ opening

    /**
     * Opens an existing database; its dimension, metric, m and efConstruction come from disk. A directory holding
     * only a log (never saved) is an existing database too (departure 6).
     *
     * @throws DatabaseNotFoundException {@code database not found at '<path>'}
     * @throws DatabaseLockedException   when another process has it open
     */
    public static Database open(Path path) {
        Objects.requireNonNull(path, "path");
        if (!Files.isDirectory(path) || !StorageDbStore.holdsDatabase(path)) {
            throw new DatabaseNotFoundException("database not found at '" + path + "'");
        }
        DbStore store = StorageDbStore.open(path, false);
        DbShape shape;
        try {
            shape = store.storedShape();
        } catch (RuntimeException e) {
            store.close();  // release the directory lock, so the database can be reopened once repaired
            throw e;
        }
        if (shape == null) {
            store.close();
            throw new DatabaseNotFoundException("database not found at '" + path + "'");
        }
        return new Database(path, store, shape, null, false);
    }

    /**
     * Opens the database at {@code path}, creating it (and the directory) when absent. An existing database must
     * have the configured dimension and metric (departure 7); its m and efConstruction win over the config's.
     *
     * @throws DimensionMismatchException when the stored dimension differs, naming both
     * @throws InvalidArgumentException   when the stored metric differs, naming both
     */
    public static Database open(Path path, Config config) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(config, "config");
        DbStore store = StorageDbStore.open(path, true);
        DbShape stored;
        boolean created = false;
        try {
            stored = store.storedShape();
            if (stored == null) {
                stored = DbShape.of(config);
                created = true;
            } else if (stored.dim() != config.dim()) {
                throw new DimensionMismatchException("dimension mismatch: database at '" + path + "' has dim "
                        + stored.dim() + ", config asks for " + config.dim());
            } else if (stored.metric() != config.metric()) {
                throw new InvalidArgumentException("metric mismatch: database at '" + path + "' uses "
                        + stored.metric().canonicalName() + ", config asks for " + config.metric().canonicalName());
            }
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        if (config.quantize() && !stored.quantize()) {
            stored = new DbShape(stored.dim(), stored.metric(), stored.m(), stored.efConstruction(), true,
                    stored.seed());
        }
        return new Database(path, store, stored, config, created);
    }

    /** Replays the log after the loaded generation; returns the bytes of torn tail dropped. */
    private long replay() {
        long[] count = new long[1];
        ReplayBatcher batcher = new ReplayBatcher();
        long dropped = log.replay(appliedLsn, (lsn, record) -> {
            if (record instanceof WalRecord.Write w) {
                batcher.accept(w);
                count[0]++;
            }
            appliedLsn = lsn;
        });
        batcher.flush();
        if (dropped > 0) {
            LOG.log(System.Logger.Level.WARNING, "database at ''{0}'': dropped {1} bytes of torn or corrupt log tail;"
                    + " the last {2} records were recovered up to lsn {3}", path, dropped, count[0], appliedLsn);
        } else if (count[0] > 0) {
            LOG.log(System.Logger.Level.INFO, "database at ''{0}'': replayed {1} log records", path, count[0]);
        }
        return dropped;
    }

    /**
     * Groups consecutive puts of new ids during replay so they go through one batch build (the same structure a
     * live {@code addMany} produces), and applies everything else record by record, in order.
     */
    private final class ReplayBatcher {
        private final List<WalRecord.Put> run = new ArrayList<>();
        private final HashSet<String> runIds = new HashSet<>();

        void accept(WalRecord.Write w) {
            if (w instanceof WalRecord.Put p && catalog.slotOf(p.id()) < 0 && !runIds.contains(p.id())) {
                run.add(p);
                runIds.add(p.id());
                return;
            }
            flush();
            applyOne(w);
        }

        void flush() {
            if (!run.isEmpty()) {
                applyBatch(run);
                run.clear();
                runIds.clear();
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ writes

    public void add(String id, float[] vector) {
        add(id, vector, null);
    }

    /**
     * Adds a new record.
     *
     * @throws DuplicateIdException {@code id 'x' already exists, use upsert instead}
     */
    public void add(String id, float[] vector, Map<String, ?> metadata) {
        ensureOpen();
        InputChecks.id(id);
        InputChecks.vector(vector, shape.dim(), "vector");
        Map<String, Object> meta = MetadataCodec.validate(metadata);
        WalRecord.Put put = new WalRecord.Put(true, id, vector.clone(), encode(meta));
        writeLock.lock();
        try {
            ensureOpen();
            if (catalog.slotOf(id) >= 0) {
                throw duplicate(id);
            }
            appendAndApply(List.of(put));
        } finally {
            writeLock.unlock();
        }
        afterWrite();
    }

    public void upsert(String id, float[] vector) {
        upsert(id, vector, null);
    }

    /** Adds the record, or replaces the vector and the whole metadata of an existing id ({@code null} clears it). */
    public void upsert(String id, float[] vector, Map<String, ?> metadata) {
        ensureOpen();
        InputChecks.id(id);
        InputChecks.vector(vector, shape.dim(), "vector");
        Map<String, Object> meta = MetadataCodec.validate(metadata);
        WalRecord.Put put = new WalRecord.Put(false, id, vector.clone(), encode(meta));
        writeLock.lock();
        try {
            ensureOpen();
            appendAndApply(List.of(put));
        } finally {
            writeLock.unlock();
        }
        afterWrite();
    }

    public void addMany(List<String> ids, float[][] vectors) {
        addMany(ids, vectors, null);
    }

    /**
     * Adds new records, all or nothing: every id, vector and metadata is checked (including duplicates inside the
     * batch, departure 5) before anything is written, then the batch is logged in one append and built in parallel.
     */
    public void addMany(List<String> ids, float[][] vectors, List<? extends Map<String, ?>> metadatas) {
        ensureOpen();
        List<WalRecord.Put> puts = batch(ids, vectors, metadatas, true);
        HashSet<String> seen = new HashSet<>(puts.size() * 2);
        for (WalRecord.Put p : puts) {
            if (!seen.add(p.id())) {
                throw new DuplicateIdException("id '" + p.id() + "' appears more than once in the batch");
            }
        }
        if (puts.isEmpty()) {
            return;
        }
        writeLock.lock();
        try {
            ensureOpen();
            for (WalRecord.Put p : puts) {
                if (catalog.slotOf(p.id()) >= 0) {
                    throw duplicate(p.id());
                }
            }
            appendAndApply(puts);
        } finally {
            writeLock.unlock();
        }
        afterWrite();
    }

    public void upsertMany(List<String> ids, float[][] vectors) {
        upsertMany(ids, vectors, null);
    }

    /** Upserts every record; when an id appears more than once in the batch, the last occurrence wins (departure 5). */
    public void upsertMany(List<String> ids, float[][] vectors, List<? extends Map<String, ?>> metadatas) {
        ensureOpen();
        List<WalRecord.Put> puts = lastOccurrenceWins(batch(ids, vectors, metadatas, false));
        if (puts.isEmpty()) {
            return;
        }
        writeLock.lock();
        try {
            ensureOpen();
            appendAndApply(puts);
        } finally {
            writeLock.unlock();
        }
        afterWrite();
    }

    /**
     * Replaces the vector and/or the whole metadata of a live id; a {@code null} argument keeps that part.
     *
     * @throws InvalidArgumentException when both are null
     * @throws NotFoundException        {@code id 'x' not found} (checked before the dimension)
     */
    public void update(String id, float[] vectorOrNull, Map<String, ?> metadataOrNull) {
        ensureOpen();
        InputChecks.id(id);
        if (vectorOrNull == null && metadataOrNull == null) {
            throw new InvalidArgumentException("update of '" + id + "' needs a vector or metadata (both are null)");
        }
        Map<String, Object> meta = MetadataCodec.validate(metadataOrNull);
        writeLock.lock();
        try {
            ensureOpen();
            if (catalog.slotOf(id) < 0) {
                throw notFound(id);
            }
            if (vectorOrNull != null) {
                InputChecks.vector(vectorOrNull, shape.dim(), "vector");
            }
            appendAndApply(List.of(new WalRecord.Update(id, vectorOrNull == null ? null : vectorOrNull.clone(),
                    meta == null ? null : MetadataCodec.encode(meta))));
        } finally {
            writeLock.unlock();
        }
        afterWrite();
    }

    /** Deletes a live id; false when it is not live (nothing is logged then). */
    public boolean delete(String id) {
        ensureOpen();
        if (id == null) {
            throw new InvalidArgumentException("id must not be null");
        }
        writeLock.lock();
        try {
            ensureOpen();
            if (catalog.slotOf(id) < 0) {
                return false;
            }
            appendAndApply(List.of(new WalRecord.Delete(id)));
        } finally {
            writeLock.unlock();
        }
        afterWrite();
        return true;
    }

    /** Deletes every live id of the collection (repeated ids count once); returns how many were deleted. */
    public int deleteMany(Collection<String> ids) {
        ensureOpen();
        if (ids == null) {
            throw new InvalidArgumentException("ids must not be null");
        }
        for (String id : ids) {
            if (id == null) {
                throw new InvalidArgumentException("ids must not contain null");
            }
        }
        int deleted;
        writeLock.lock();
        try {
            ensureOpen();
            List<WalRecord.Delete> deletes = new ArrayList<>();
            HashSet<String> seen = new HashSet<>();
            for (String id : ids) {
                if (seen.add(id) && catalog.slotOf(id) >= 0) {
                    deletes.add(new WalRecord.Delete(id));
                }
            }
            if (deletes.isEmpty()) {
                return 0;
            }
            appendAndApply(deletes);
            deleted = deletes.size();
        } finally {
            writeLock.unlock();
        }
        afterWrite();
        return deleted;
    }

    private List<WalRecord.Put> batch(List<String> ids, float[][] vectors, List<? extends Map<String, ?>> metadatas,
                                      boolean addOnly) {
        if (ids == null) {
            throw new InvalidArgumentException("ids must not be null");
        }
        if (vectors == null) {
            throw new InvalidArgumentException("vectors must not be null");
        }
        InputChecks.sameLength(ids, vectors);
        InputChecks.sameLength(metadatas, ids);
        InputChecks.ids(ids);
        InputChecks.vectors(vectors, shape.dim(), "vectors");
        List<WalRecord.Put> puts = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            Map<String, ?> m = metadatas == null ? null : metadatas.get(i);
            Map<String, Object> meta;
            try {
                meta = MetadataCodec.validate(m);
            } catch (InvalidArgumentException e) {
                throw new InvalidArgumentException(e.getMessage() + " (metadatas[" + i + "], id '" + ids.get(i) + "')", e);
            }
            puts.add(new WalRecord.Put(addOnly, ids.get(i), vectors[i].clone(), encode(meta)));
        }
        return puts;
    }

    /** Keeps one put per id: the last one's content, at the first one's position (the order replay produces). */
    private static List<WalRecord.Put> lastOccurrenceWins(List<WalRecord.Put> puts) {
        LinkedHashMap<String, WalRecord.Put> byId = new LinkedHashMap<>(puts.size() * 2);
        for (WalRecord.Put p : puts) {
            byId.put(p.id(), p);
        }
        return byId.size() == puts.size() ? puts : new ArrayList<>(byId.values());
    }

    /**
     * Logs the records (one append), then applies them. Caller holds writeLock. Under SYNC the force happens after
     * the lock is released ({@link #afterWrite}), so concurrent writers share one force (group commit) instead of
     * queueing one force each behind the lock.
     */
    private void appendAndApply(List<? extends WalRecord.Write> records) {
        appliedLsn = records.size() == 1 ? log.append(records.getFirst(), false) : log.appendAll(records, false);
        if (records.size() > 1 && records.getFirst() instanceof WalRecord.Put) {
            @SuppressWarnings("unchecked")
            List<WalRecord.Put> puts = (List<WalRecord.Put>) records;
            applyBatch(puts);
        } else {
            for (WalRecord.Write r : records) {
                applyOne(r);
            }
        }
    }

    /** Applies one logged record (live path and replay alike). Caller holds writeLock (or is recovering). */
    private void applyOne(WalRecord.Write record) {
        switch (record) {
            case WalRecord.Put p -> {
                Map<String, Object> meta = decode(p.metadataJson());
                int slot = catalog.slotOf(p.id());
                if (slot >= 0) {
                    // The vector is overwritten in place: readers must not see it half written, nor the new
                    // vector with the old metadata, so the change is made under the state lock.
                    stateLock.writeLock().lock();
                    try {
                        index.update(slot, p.vector());
                        publishMetadata(slot, meta);
                    } finally {
                        stateLock.writeLock().unlock();
                    }
                } else {
                    int newSlot = index.insert(p.vector());
                    publishNew(newSlot, p.id(), meta);
                }
            }
            case WalRecord.Update u -> {
                int slot = catalog.slotOf(u.id());
                if (slot < 0) {
                    return; // replay of a log written by an older session whose id vanished: nothing to apply
                }
                Map<String, Object> meta = u.metadataJson() != null ? decode(u.metadataJson()) : null;
                stateLock.writeLock().lock();  // in-place overwrite: see the Put case
                try {
                    if (u.vector() != null) {
                        index.update(slot, u.vector());
                    }
                    if (meta != null) {
                        publishMetadata(slot, meta);
                    }
                } finally {
                    stateLock.writeLock().unlock();
                }
            }
            case WalRecord.Delete d -> {
                int slot = catalog.slotOf(d.id());
                if (slot < 0) {
                    return;
                }
                stateLock.writeLock().lock();
                try {
                    filterIndex.remove(slot, catalog.remove(slot));
                    index.delete(slot);
                } finally {
                    stateLock.writeLock().unlock();
                }
            }
        }
    }

    /**
     * Applies puts: existing ids one by one, new ids through one parallel batch build, linked outside the state
     * lock and then published together.
     */
    private void applyBatch(List<WalRecord.Put> puts) {
        List<WalRecord.Put> fresh = new ArrayList<>(puts.size());
        for (WalRecord.Put p : puts) {
            if (catalog.slotOf(p.id()) >= 0) {
                applyOne(p);
            } else {
                fresh.add(p);
            }
        }
        if (fresh.isEmpty()) {
            return;
        }
        float[][] vectors = new float[fresh.size()][];
        for (int i = 0; i < vectors.length; i++) {
            vectors[i] = fresh.get(i).vector();
        }
        int[] slots = index.insertBatch(vectors);
        List<Map<String, Object>> metas = new ArrayList<>(fresh.size());
        for (WalRecord.Put p : fresh) {
            metas.add(decode(p.metadataJson()));
        }
        stateLock.writeLock().lock();
        try {
            for (int i = 0; i < slots.length; i++) {
                catalog.put(slots[i], fresh.get(i).id(), metas.get(i));
                filterIndex.add(slots[i], metas.get(i));
            }
        } finally {
            stateLock.writeLock().unlock();
        }
    }

    private void publishNew(int slot, String id, Map<String, Object> meta) {
        stateLock.writeLock().lock();
        try {
            catalog.put(slot, id, meta);
            filterIndex.add(slot, meta);
        } finally {
            stateLock.writeLock().unlock();
        }
    }

    private void publishMetadata(int slot, Map<String, Object> meta) {
        stateLock.writeLock().lock();
        try {
            filterIndex.replace(slot, catalog.replaceMetadata(slot, meta), meta);
        } finally {
            stateLock.writeLock().unlock();
        }
    }

    /**
     * With {@code quantize}, traversal runs on SQ8 codes from the first record on (vctrs waited for a reopen). The
     * quantizer is trained on what exists when it is enabled, so it is retrained, at a save, once the index has
     * doubled since (vctrs never retrained, clamping drifted data). Caller holds writeLock or is opening.
     */
    private void maintainQuantization(boolean atSave) {
        if (!shape.quantize() || quantizationSwitchedOff) {
            return;
        }
        int slots = index.totalSlots();
        if (slots == 0) {
            return;
        }
        if (!index.isQuantized() || (atSave && slots >= 2L * quantizedAtSlots)) {
            index.enableQuantization();
            quantizedAtSlots = slots;
            unsavedIndexChange = true;
        }
    }

    /**
     * After a write released writeLock: under SYNC, waits until the write is on the device (group commit); turns on
     * SQ8 codes for a quantized database; checkpoints (an automatic save) once the log has grown past its bound.
     */
    private void afterWrite() {
        if (config.durability() == Durability.SYNC) {
            try {
                log.sync();
            } catch (ClosedDatabaseException e) {
                if (!closed) {
                    throw e;
                }
                // Closed meanwhile: close() saved a generation holding this write, which is forced.
            }
        }
        if (shape.quantize() && !quantizationSwitchedOff && !index.isQuantized()) {
            writeLock.lock();
            try {
                if (!closed) {
                    maintainQuantization(false);
                }
            } finally {
                writeLock.unlock();
            }
        }
        if (log.sizeBytes() > config.walCheckpointBytes()) {
            writeLock.lock();
            try {
                if (!closed && log.sizeBytes() > config.walCheckpointBytes()) {
                    saveLocked();
                }
            } finally {
                writeLock.unlock();
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ reads

    public List<SearchResult> search(float[] query, int k) {
        InputChecks.k(k);
        return search(query, SearchParams.k(k));
    }

    /**
     * The nearest live records, nearest first. With a filter it returns k results whenever at least k records
     * match (departure 3); {@code maxDistance} drops farther results after the top k are chosen.
     */
    public List<SearchResult> search(float[] query, SearchParams params) {
        ensureOpen();
        Objects.requireNonNull(params, "params");
        InputChecks.vector(query, shape.dim(), "query");
        if (params.k() == 0) {
            return List.of();
        }
        stateLock.readLock().lock();
        try {
            ensureOpen();
            return QueryPlanner.search(index, catalog, filterIndex, query, params);
        } finally {
            stateLock.readLock().unlock();
        }
    }

    public List<List<SearchResult>> searchMany(float[][] queries, int k) {
        InputChecks.k(k);
        return searchMany(queries, SearchParams.k(k));
    }

    /** One result list per query, in order; every query is validated first, then they run in parallel. */
    public List<List<SearchResult>> searchMany(float[][] queries, SearchParams params) {
        ensureOpen();
        Objects.requireNonNull(params, "params");
        InputChecks.vectors(queries, shape.dim(), "queries");
        if (queries.length == 0) {
            return List.of();
        }
        if (params.k() == 0) {
            return Collections.nCopies(queries.length, List.of());
        }
        stateLock.readLock().lock();
        try {
            ensureOpen();
            // The filter is resolved once for the whole batch; the queries run on the common pool, in order.
            QueryPlanner.Prepared prepared = QueryPlanner.prepare(index, catalog, filterIndex, params);
            return IntStream.range(0, queries.length).parallel()
                    .mapToObj(i -> prepared.search(queries[i]))
                    .toList();
        } finally {
            stateLock.readLock().unlock();
        }
    }

    /**
     * The record of a live id.
     *
     * @throws NotFoundException {@code id 'x' not found}
     */
    public VectorRecord get(String id) {
        return find(id).orElseThrow(() -> notFound(id));
    }

    public Optional<VectorRecord> find(String id) {
        ensureOpen();
        if (id == null) {
            throw new InvalidArgumentException("id must not be null");
        }
        stateLock.readLock().lock();
        try {
            ensureOpen();
            int slot = catalog.slotOf(id);
            if (slot < 0) {
                return Optional.empty();
            }
            return Optional.of(new VectorRecord(id, index.vector(slot), QueryPlanner.exposed(catalog.metadata(slot))));
        } finally {
            stateLock.readLock().unlock();
        }
    }

    public boolean contains(String id) {
        ensureOpen();
        if (id == null) {
            return false;
        }
        stateLock.readLock().lock();
        try {
            ensureOpen();  // close() may have run while this thread waited for the lock
            return catalog.slotOf(id) >= 0;
        } finally {
            stateLock.readLock().unlock();
        }
    }

    /** Live records. */
    public long count() {
        return size();
    }

    /** Live records matching the filter, exactly (departure 2). */
    public long count(Filter filter) {
        ensureOpen();
        if (filter == null) {
            throw new InvalidFilterException("invalid filter: filter must not be null");
        }
        stateLock.readLock().lock();
        try {
            ensureOpen();
            return filterIndex.matchingSlots(filter, catalog).getLongCardinality();
        } finally {
            stateLock.readLock().unlock();
        }
    }

    /** Live ids in insertion order (departure 10). */
    public List<String> ids() {
        ensureOpen();
        stateLock.readLock().lock();
        try {
            ensureOpen();  // close() may have run while this thread waited for the lock
            return catalog.ids();
        } finally {
            stateLock.readLock().unlock();
        }
    }

    public int size() {
        ensureOpen();
        stateLock.readLock().lock();
        try {
            ensureOpen();  // close() may have run while this thread waited for the lock
            return catalog.size();
        } finally {
            stateLock.readLock().unlock();
        }
    }

    public int dim() {
        return shape.dim();
    }

    public Metric metric() {
        return shape.metric();
    }

    /** The directory of this database. */
    public Path path() {
        return path;
    }

    /** The effective configuration: the stored shape plus this session's durability, threads and checkpoint size. */
    public Config config() {
        return config;
    }

    /** Tombstoned slots awaiting {@link #compact()}. */
    public int deletedCount() {
        ensureOpen();
        return index.deletedCount();
    }

    /** Slots allocated, live and tombstoned. */
    public int totalSlots() {
        ensureOpen();
        return index.totalSlots();
    }

    /** Whether graph traversal runs on SQ8 codes. */
    public boolean quantizedSearch() {
        ensureOpen();
        return index.isQuantized();
    }

    // ------------------------------------------------------------------------------------------------ maintenance

    /** Writes a new generation and trims the log. */
    public void save() {
        ensureOpen();
        writeLock.lock();
        try {
            ensureOpen();
            saveLocked();
        } finally {
            writeLock.unlock();
        }
    }

    private void saveLocked() {
        maintainQuantization(true);
        generation = store.save(index, catalog, filterIndex, appliedLsn, shape, this::underStateWriteLock);
        savedLsn = appliedLsn;
        unsavedIndexChange = false;
    }

    /**
     * Drops tombstones: builds the live records into a new index aside (searches continue on the old one), swaps
     * it in, renumbers ids and metadata, then saves so the new layout is durable. No-op without tombstones.
     */
    public void compact() {
        ensureOpen();
        writeLock.lock();
        try {
            ensureOpen();
            if (index.deletedCount() == 0) {
                return;
            }
            CompactionResult result = index.compact();
            HnswIndex old;
            stateLock.writeLock().lock();
            try {
                old = index;
                catalog.remap(result.oldToNew(), result.index().totalSlots());
                filterIndex.rebuild(catalog);
                index = result.index();
            } finally {
                stateLock.writeLock().unlock();
            }
            if (old.isQuantized() && !index.isQuantized()) {
                index.enableQuantization();
            }
            saveLocked();
            old.close();
        } finally {
            writeLock.unlock();
        }
    }

    /** Traverses on SQ8 codes from now on (re-ranking with float32); a no-op on an empty database. */
    public void enableQuantizedSearch() {
        ensureOpen();
        writeLock.lock();
        try {
            ensureOpen();
            quantizationSwitchedOff = false;
            if (index.totalSlots() > 0 && !index.isQuantized()) {
                index.enableQuantization();
                quantizedAtSlots = index.totalSlots();
                unsavedIndexChange = true;
            }
        } finally {
            writeLock.unlock();
        }
    }

    public void disableQuantizedSearch() {
        ensureOpen();
        writeLock.lock();
        try {
            ensureOpen();
            quantizationSwitchedOff = true;
            unsavedIndexChange |= index.isQuantized();
            index.disableQuantization();
        } finally {
            writeLock.unlock();
        }
    }

    /** Shape, memory and durability figures; {@link Stats#toMap()} has the vctrs keys. */
    public Stats stats() {
        ensureOpen();
        stateLock.readLock().lock();
        try {
            ensureOpen();
            IndexStats s = index.stats();
            return new Stats(catalog.size(), index.deletedCount(), s.numLayers(), s.avgDegree0(), s.maxDegree0(),
                    s.minDegree0(), s.vectorBytes(), s.graphBytes(), s.quantizedBytes(), s.usesExactPath(),
                    index.isQuantized(), generation, log.sizeBytes(), walBytesDroppedAtRecovery,
                    config.durability());
        } finally {
            stateLock.readLock().unlock();
        }
    }

    /**
     * Writes every live record, in insertion order, as vctrs's JSON document
     * ({@code {"version":1,"dim":..,"metric":..,"vectors":[{"id","vector","metadata"}...]}}), streaming.
     */
    public void exportJson(Path file, boolean pretty) {
        ensureOpen();
        Objects.requireNonNull(file, "file");
        List<String> ids = ids();
        JsonTransfer.export(file, pretty, shape, ids, this::find);
    }

    /**
     * Upserts every record of a vctrs JSON document, streaming. The document's dim must equal this database's.
     * The whole file is validated first (syntax, dim, every vector's length), so a malformed file imports nothing;
     * then records go in as {@code upsertMany} batches, each validated completely and applied all-or-nothing. Not
     * atomic as a whole (neither is vctrs's): a batch the database rejects (an invalid id or metadata) leaves the
     * earlier batches applied.
     */
    public void importJson(Path file) {
        ensureOpen();
        Objects.requireNonNull(file, "file");
        JsonTransfer.importInto(file, shape.dim(), this::upsertMany);
    }

    /** Saves, then releases the log, the mappings and the directory lock. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        writeLock.lock();
        try {
            if (closed) {
                return;
            }
            try {
                // A session that changed nothing (a reader) leaves the generation as it is.
                // A database found corrupt is not saved: the corrupt bytes would be copied into a new generation.
                if ((appliedLsn != savedLsn || unsavedIndexChange) && store.failure() == null) {
                    saveLocked();
                }
            } finally {
                stateLock.writeLock().lock();
                try {
                    closed = true;
                    index.close();
                } finally {
                    stateLock.writeLock().unlock();
                    store.close();
                }
            }
        } finally {
            writeLock.unlock();
        }
    }

    /** Whether {@link #close()} has run. */
    public boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return "Database[" + path + ", dim=" + shape.dim() + ", metric=" + shape.metric().canonicalName() + "]";
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** Throws when the database is closed, or when corruption was found after open (never served past that). */
    private void ensureOpen() {
        if (closed) {
            throw new ClosedDatabaseException("database at '" + path + "' is closed");
        }
        CorruptDataException failure = store.failure();
        if (failure != null) {
            throw new CorruptDataException(failure.getMessage(), failure);
        }
    }

    private void underStateWriteLock(Runnable action) {
        stateLock.writeLock().lock();
        try {
            action.run();
        } finally {
            stateLock.writeLock().unlock();
        }
    }

    private static byte[] encode(Map<String, Object> normalized) {
        return normalized == null ? null : MetadataCodec.encode(normalized);
    }

    private static Map<String, Object> decode(byte[] json) {
        return json == null ? null : FrozenJson.freeze(MetadataCodec.decode(json));
    }

    private static DuplicateIdException duplicate(String id) {
        return new DuplicateIdException("id '" + id + "' already exists, use upsert instead");
    }

    private static NotFoundException notFound(String id) {
        return new NotFoundException("id '" + id + "' not found");
    }
}
