package dev.quiver.internal.db;

import dev.quiver.ClosedDatabaseException;
import dev.quiver.Config;
import dev.quiver.CorruptDataException;
import dev.quiver.DatabaseFailedException;
import dev.quiver.DatabaseNotFoundException;
import dev.quiver.DimensionMismatchException;
import dev.quiver.Durability;
import dev.quiver.InvalidArgumentException;
import dev.quiver.SearchParams;
import dev.quiver.Stats;
import dev.quiver.internal.hnsw.CompactionResult;
import dev.quiver.internal.hnsw.HnswIndex;
import dev.quiver.internal.hnsw.IndexStats;
import dev.quiver.internal.hnsw.SearchDefaults;
import dev.quiver.internal.quant.Sq8Codes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;

/**
 * The engine behind {@link dev.quiver.Database}: opening and replay, the log-then-apply write path, saves, compaction
 * and close, over one {@link DatabaseFiles} (files and log). The public class checks arguments and delegates here.
 *
 * <h2>Lock order</h2>
 * Two locks, always taken in this order:
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
 * <h2>Saves</h2>
 * A save (explicit, at a checkpoint, at compaction or at close) holds {@code writeLock} throughout: writers wait for
 * it, readers do not (they are kept out only for the final switch to the new generation's files, a few pointer swaps).
 * Writing outside the writer lock would need the index's {@code writeTo} to run beside concurrent inserts and the
 * writes made meanwhile to be carried over onto the reopened files; it is not done.
 */
public final class DatabaseCore {

    private static final System.Logger LOG = System.getLogger(DatabaseCore.class.getName());

    /** The records one write logs, decided under the writer lock from which ids are live (may throw to refuse). */
    @FunctionalInterface
    public interface WritePlan {
        List<? extends WalRecord.Write> records(Predicate<String> live);
    }

    /** A read under the shared state lock. */
    @FunctionalInterface
    public interface Read<T> {
        T run(HnswIndex index, Catalog catalog, FilterIndex filters);
    }

    private final Path path;
    private final Config config;
    private final DbShape shape;
    private final DatabaseFiles store;
    private final RecordLog log;
    private final Catalog catalog = new Catalog();
    private final FilterIndex filterIndex = new FilterIndex();
    private final long walBytesDroppedAtRecovery;
    private final QuantizationPolicy quantization;
    private final CheckpointPolicy checkpoints;

    private final ReentrantLock writeLock = new ReentrantLock();
    private final ReentrantReadWriteLock stateLock = new ReentrantReadWriteLock();
    private final RecordApplier applier = new RecordApplier(catalog, filterIndex, stateLock);

    /** Replaced by compaction (under the exclusive state lock). */
    private volatile HnswIndex index;
    private volatile boolean closed;
    /**
     * The first failure the database cannot undo in memory (a log I/O error, an apply that failed after its record
     * was logged); once set, every call but close fails with {@link DatabaseFailedException}.
     */
    private volatile RuntimeException failure;
    /** Sequence number of the last record applied; guarded by writeLock. */
    private long appliedLsn;
    /** Log position the last saved (or loaded) generation covers; guarded by writeLock. */
    private long savedLsn = -1;
    /** Something not in the log changed since the last save (SQ8 codes switched); guarded by writeLock. */
    private boolean unsavedIndexChange;
    /** Written under writeLock, read by stats(). */
    private volatile long generation;

    private DatabaseCore(Path path, DatabaseFiles store, DbShape shape, Config session, boolean created) {
        this.path = path;
        this.store = store;
        this.log = store.log();
        this.shape = shape;
        this.config = shape.toConfig(session);
        this.checkpoints = new CheckpointPolicy(config.walCheckpointBytes());
        DatabaseFiles.Saved saved = store.current();
        boolean ok = false;
        try {
            if (saved != null) {
                this.index = store.load(shape.hnswConfig(config.buildThreads()), catalog, filterIndex);
                if (!shape.quantize() && index.isQuantized()) {
                    // Saved by a session that switched quantized search on without the quantize setting: as in
                    // vctrs, such a switch-on lasts its session (codes the default plan scans are kept).
                    index.disableQuantization();
                }
                this.appliedLsn = saved.walLsn();
                this.savedLsn = saved.walLsn();
                this.generation = saved.generation();
            } else {
                this.index = HnswIndex.create(shape.hnswConfig(config.buildThreads()));
            }
            this.quantization = new QuantizationPolicy(shape.quantize(), index.isQuantized() ? index.totalSlots() : 0);
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

    /** Opens an existing database; a directory holding only a log (never saved) is one too. */
    public static DatabaseCore openExisting(Path path) {
        if (!Files.isDirectory(path) || !StorageDatabaseFiles.holdsDatabase(path)) {
            throw notFoundAt(path);
        }
        return openOn(path, StorageDatabaseFiles.open(path, false), null);
    }

    /** Opens the database at {@code path}, creating it (and the directory) when absent. */
    public static DatabaseCore openOrCreate(Path path, Config config) {
        return openOn(path, StorageDatabaseFiles.open(path, true), config);
    }

    /**
     * Opens a database on {@code store} (the files may be in-memory fakes). Without a config the store must hold a
     * database; with one, an absent database is created and an existing one must have its dimension and metric.
     * The store is closed (its lock released) when opening fails.
     */
    static DatabaseCore openOn(Path path, DatabaseFiles store, Config config) {
        DbShape shape;
        boolean created = false;
        try {
            DbShape stored = store.storedShape();
            if (stored == null && config == null) {
                throw notFoundAt(path);
            } else if (stored == null) {
                stored = DbShape.of(config);
                created = true;
            } else if (config != null && stored.dim() != config.dim()) {
                throw new DimensionMismatchException("dimension mismatch: database at '" + path + "' has dim "
                        + stored.dim() + ", config asks for " + config.dim());
            } else if (config != null && stored.metric() != config.metric()) {
                throw new InvalidArgumentException("metric mismatch: database at '" + path + "' uses "
                        + stored.metric().canonicalName() + ", config asks for " + config.metric().canonicalName());
            }
            shape = stored;
        } catch (RuntimeException e) {
            store.close();  // release the directory lock, so the database can be reopened once repaired
            throw e;
        }
        if (shape.quantize() && !Sq8Codes.supports(shape.dim())) {
            // Written before SQ8 had a dimension limit: its integer sums overflowed there, so its codes were wrong.
            // The index does not serve such codes; the flag goes too, and the next save stores it cleared.
            LOG.log(System.Logger.Level.WARNING, "database at ''{0}'' was saved with quantize on at dim {1}; SQ8 "
                    + "serves at most {2} dimensions, so it opens with float32 search only", path, shape.dim(),
                    Sq8Codes.MAX_DIM);
            shape = shape.withQuantize(false);
        }
        if (config != null && config.quantize() && !shape.quantize()) {
            shape = shape.withQuantize(true);
        }
        return new DatabaseCore(path, store, shape, config, created);
    }

    private static DatabaseNotFoundException notFoundAt(Path path) {
        return new DatabaseNotFoundException("database not found at '" + path + "'");
    }

    /** Replays the log after the loaded generation; returns the bytes of torn tail dropped. */
    private long replay() {
        long[] count = new long[1];
        RecordApplier.Replay replay = applier.replay(index);
        long dropped = log.replay(appliedLsn, (lsn, record) -> {
            if (record instanceof WalRecord.Write w) {
                replay.accept(w);
                count[0]++;
            }
            appliedLsn = lsn;
        });
        replay.flush();
        if (dropped > 0) {
            LOG.log(System.Logger.Level.WARNING, "database at ''{0}'': dropped {1} bytes of torn or corrupt log tail;"
                    + " the last {2} records were recovered up to lsn {3}", path, dropped, count[0], appliedLsn);
        } else if (count[0] > 0) {
            LOG.log(System.Logger.Level.INFO, "database at ''{0}'': replayed {1} log records", path, count[0]);
        }
        return dropped;
    }

    // ------------------------------------------------------------------------------------------------ writes

    /**
     * One write: under the writer lock, asks {@code plan} for its records, logs them (one append) and applies them;
     * then, outside the lock, waits for the device under SYNC and runs the quantization and checkpoint policies.
     * Returns how many records were written (an empty plan writes nothing and returns 0).
     */
    public int write(WritePlan plan) {
        ensureOpen();
        List<? extends WalRecord.Write> records;
        writeLock.lock();
        try {
            ensureOpen();
            records = plan.records(id -> catalog.slotOf(id) >= 0);
            if (records.isEmpty()) {
                return 0;
            }
            failHardOnError(() -> appendAndApply(records));
        } finally {
            writeLock.unlock();
        }
        afterWrite();
        return records.size();
    }

    /**
     * Runs a step that the database cannot take back once it has started (a log append or force, an apply after
     * its record was logged); if it fails, the database fails hard: the failure is rethrown here and every later
     * call throws {@link DatabaseFailedException} naming it.
     */
    private void failHardOnError(Runnable step) {
        try {
            step.run();
        } catch (RuntimeException | Error e) {
            if (failure == null) {
                failure = asRuntime(e);
                LOG.log(System.Logger.Level.ERROR, "database at ''{0}'' failed and stops serving: {1}", path, e);
            }
            throw e;
        }
    }

    /**
     * Logs the records (one append), then applies them. Caller holds writeLock. Under SYNC the force happens after
     * the lock is released ({@link #afterWrite}), so concurrent writers share one force (group commit) instead of
     * queueing one force each behind the lock.
     */
    private void appendAndApply(List<? extends WalRecord.Write> records) {
        appliedLsn = records.size() == 1 ? log.append(records.getFirst(), false) : log.appendAll(records, false);
        applier.apply(index, records);
    }

    /**
     * Trains SQ8 codes when the quantization policy says so. Caller holds writeLock or is opening.
     */
    private void maintainQuantization(boolean atSave) {
        int slots = index.totalSlots();
        if (quantization.shouldTrain(slots, index.isQuantized(), atSave)) {
            index.enableQuantization();
            quantization.trained(slots);
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
                failHardOnError(log::sync);
            } catch (ClosedDatabaseException e) {
                if (!closed) {
                    throw e;
                }
                // Closed meanwhile: close() saved a generation holding this write, which is forced.
            }
        }
        if (quantization.wantsCodes(index.isQuantized())) {
            writeLock.lock();
            try {
                if (!closed) {
                    maintainQuantization(false);
                }
            } finally {
                writeLock.unlock();
            }
        }
        if (checkpoints.due(log.sizeBytes())) {
            writeLock.lock();
            try {
                if (!closed && checkpoints.due(log.sizeBytes())) {
                    checkpointLocked();
                }
            } finally {
                writeLock.unlock();
            }
        }
    }

    /**
     * An automatic save. Its failure is not the write's: that write is logged and applied (and forced under SYNC)
     * before this runs, so failing its call would tell the caller it did not happen (a retried add then meets its own
     * id). The log still holds every write, so nothing is lost; the failure is logged, and the next attempt waits
     * for the log to grow by another bound. A database the failure stopped ({@link #failure}) fails the next call.
     */
    private void checkpointLocked() {
        long logBytes = log.sizeBytes();
        try {
            saveLocked();
        } catch (RuntimeException e) {
            checkpoints.failed(logBytes);
            LOG.log(System.Logger.Level.WARNING, "database at ''{0}'': automatic checkpoint failed, the log keeps"
                    + " every write; retrying once the log has grown past {1} bytes: {2}", path,
                    logBytes + config.walCheckpointBytes(), e.toString());
        }
    }

    // ------------------------------------------------------------------------------------------------ reads

    /** Runs {@code read} under the shared state lock, after checking the database is open and not found corrupt. */
    public <T> T read(Read<T> read) {
        ensureOpen();
        stateLock.readLock().lock();
        try {
            ensureOpen();  // close() may have run while this thread waited for the lock
            return read.run(index, catalog, filterIndex);
        } finally {
            stateLock.readLock().unlock();
        }
    }

    /** The current index, without the state lock: for counters that need no consistent view. */
    public HnswIndex indexUnlocked() {
        ensureOpen();
        return index;
    }

    public DbShape shape() {
        return shape;
    }

    public Config config() {
        return config;
    }

    public Path path() {
        return path;
    }

    /** Shape, memory and durability figures. */
    public Stats stats() {
        return read((idx, cat, filters) -> {
            IndexStats s = idx.stats();
            SearchDefaults plan = idx.searchDefaults();
            return new Stats(cat.size(), idx.deletedCount(), s.numLayers(), s.avgDegree0(), s.maxDegree0(),
                    s.minDegree0(), s.vectorBytes(), s.graphBytes(), s.quantizedBytes(), s.usesExactPath(),
                    idx.isQuantized(), generation, log.sizeBytes(), walBytesDroppedAtRecovery, config.durability(),
                    plan.exact() ? 0 : plan.efFor(SearchParams.DEFAULT_K), plan.rerankFor(SearchParams.DEFAULT_K),
                    idx.walksCodes());
        });
    }

    // ------------------------------------------------------------------------------------------------ maintenance

    /** Writes a new generation and trims the log. */
    public void save() {
        underWriteLock(this::saveLocked);
    }

    private void saveLocked() {
        holdingInterrupt(this::saveUninterrupted);
    }

    private void saveUninterrupted() {
        maintainQuantization(true);
        // Writers are out: link nodes no search could reach, then measure the default search plan on what is about
        // to be saved (each a no-op while nothing changed).
        index.connectUnreachable();
        index.calibrateDefaults(config.targetRecall());
        generation = store.save(index, catalog, filterIndex, appliedLsn, shape, this::underStateWriteLock);
        savedLsn = appliedLsn;
        unsavedIndexChange = false;
        checkpoints.saved();
    }

    /**
     * Drops tombstones: builds the live records into a new index aside (searches continue on the old one), swaps
     * it in, renumbers ids and metadata, then saves so the new layout is durable. No-op without tombstones.
     */
    public void compact() {
        underWriteLock(() -> {
            if (index.deletedCount() == 0) {
                return;
            }
            CompactionResult result = index.compact();  // closes its half-built index if it fails
            HnswIndex old;
            stateLock.writeLock().lock();
            try {
                old = index;
                catalog.remap(result.oldToNew(), result.index().totalSlots());
                filterIndex.rebuild(catalog);
                index = result.index();
            } catch (RuntimeException | Error e) {
                // Nothing swapped yet is a consistent state only if the catalog was not remapped either: it may
                // have been, so the database fails hard (the log still holds every write) and the new index goes.
                failure = failure != null ? failure : asRuntime(e);
                result.index().close();
                throw e;
            } finally {
                stateLock.writeLock().unlock();
            }
            // From here the new index serves (readers were kept out of the swap, none is on the old one): the old
            // one is released even if the save below fails; the log still holds every write, so nothing is lost.
            try {
                if (old.isQuantized() && !index.isQuantized()) {
                    index.enableQuantization();
                }
                saveLocked();
            } finally {
                old.close();
            }
        });
    }

    /** Turns SQ8 traversal on (walks use the codes where they pay); a no-op on an empty database. */
    public void enableQuantizedSearch() {
        Sq8Codes.requireSupported(config.dim(), "quantized search"); // before any state changes, empty or not
        underWriteLock(() -> {
            int slots = index.totalSlots();
            if (quantization.switchOn(slots, index.isQuantized())) {
                index.enableQuantization();
                quantization.trained(slots);
                unsavedIndexChange = true;
            }
        });
    }

    public void disableQuantizedSearch() {
        underWriteLock(() -> {
            quantization.switchOff();
            unsavedIndexChange |= index.isQuantized();
            index.disableQuantization();
        });
    }

    /**
     * Saves if anything changed, then releases the index, the log, the mappings and the directory lock. A failed
     * database (see {@link DatabaseFailedException}) is not saved, and its release never throws; a healthy one whose
     * final save fails is released all the same, then the save's error is thrown (the log still holds the writes).
     */
    public void close() {
        if (closed) {
            return;
        }
        holdingInterrupt(this::closeUninterrupted);
    }

    private void closeUninterrupted() {
        writeLock.lock();
        try {
            if (closed) {
                return;
            }
            boolean failed = failure != null;
            RuntimeException saveError = null;
            try {
                if (!failed && CheckpointPolicy.saveAtClose(appliedLsn, savedLsn, unsavedIndexChange,
                        store.failure() != null)) {
                    saveLocked();
                }
            } catch (RuntimeException e) {
                saveError = e;
            } finally {
                boolean quietly = failed || saveError != null;  // the first error is the one reported
                stateLock.writeLock().lock();
                try {
                    closed = true;
                    releaseQuietlyIf(quietly, () -> StorageErrors.run(index::close)); // a slab busy in I/O: typed
                } finally {
                    stateLock.writeLock().unlock();
                    releaseQuietlyIf(quietly, store::close);
                }
            }
            if (saveError != null) {
                throw saveError;
            }
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Runs a save or a close with the calling thread's interrupt held back, and set again when it ends (as the log's
     * appends do). Neither can stop half way, and an interrupted thread's file I/O throws
     * {@code ClosedByInterruptException} and closes the channel it used: in a save's log roll that is the log's shared
     * channel, which failed the save and left the log refusing every later write from any thread ("write-ahead log
     * ... is closed" on an open database). A thread interrupted before it saves (a cancelled task, a pool's
     * shutdownNow, a close in a finally block) thus saves, compacts, checkpoints and closes like any other.
     */
    private static void holdingInterrupt(Runnable step) {
        boolean interrupted = Thread.interrupted();
        try {
            step.run();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Runs a release step; when the database has failed, an error there is logged, not thrown. */
    private void releaseQuietlyIf(boolean quietly, Runnable release) {
        if (!quietly) {
            release.run();
            return;
        }
        try {
            release.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "database at ''{0}'': releasing after a failure: {1}", path, e);
        }
    }

    private static RuntimeException asRuntime(Throwable e) {
        return e instanceof RuntimeException re ? re : new IllegalStateException(e.toString(), e);
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Throws when the database is closed, failed (see {@link DatabaseFailedException}), or found corrupt after open
     * (never served past that).
     */
    public void ensureOpen() {
        if (closed) {
            throw new ClosedDatabaseException("database at '" + path + "' is closed");
        }
        RuntimeException failed = failure;
        if (failed != null) {
            throw new DatabaseFailedException("database at '" + path + "' failed and stopped serving after: "
                    + failed.getMessage() + " (close it and open it again to recover from its log)", failed);
        }
        CorruptDataException failure = store.failure();
        if (failure != null) {
            throw new CorruptDataException(failure.getMessage(), failure);
        }
    }

    /** Whether the calling thread holds the writer lock (tests of the protocol: SYNC forces outside it). */
    boolean writerLockHeldByCurrentThread() {
        return writeLock.isHeldByCurrentThread();
    }

    private void underWriteLock(Runnable action) {
        ensureOpen();
        writeLock.lock();
        try {
            ensureOpen();
            action.run();
        } finally {
            writeLock.unlock();
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
}
