package dev.quiver.internal.db;

import dev.quiver.CorruptDataException;
import dev.quiver.internal.hnsw.HnswConfig;
import dev.quiver.internal.hnsw.HnswIndex;

import java.util.function.Consumer;

/**
 * A {@link DatabaseFiles} without files, over an {@link InMemoryRecordLog}: the log is the whole durable state. A save
 * is
 * recorded (and its reader switch run) but keeps no generation and trims nothing, so a reopen replays the log from the
 * start, which must rebuild the same database.
 */
final class InMemoryDatabaseFiles implements DatabaseFiles {

    final InMemoryRecordLog log;
    int saves;
    long lastSavedLsn = -1;
    boolean closed;
    /** Thrown by the next saves while set (a save that fails half-way). */
    RuntimeException failSave;
    /** Corruption "found after open", as the background verification would report it. */
    CorruptDataException failure;

    InMemoryDatabaseFiles(InMemoryRecordLog log) {
        this.log = log;
    }

    @Override
    public Saved current() {
        return null;
    }

    @Override
    public DbShape storedShape() {
        WalRecord.Create create = log.create();
        return create == null ? null : DbShape.of(create);
    }

    @Override
    public RecordLog log() {
        return log;
    }

    @Override
    public HnswIndex load(HnswConfig config, Catalog catalog, FilterIndex filters) {
        throw new AssertionError("an in-memory store has no generation to load");
    }

    @Override
    public long save(HnswIndex index, Catalog catalog, FilterIndex filters, long walLsn, DbShape shape,
                     Consumer<Runnable> exclusively) {
        if (failSave != null) {
            throw failSave;
        }
        exclusively.accept(() -> { });
        lastSavedLsn = walLsn;
        return ++saves;
    }

    @Override
    public CorruptDataException failure() {
        return failure;
    }

    @Override
    public void close() {
        closed = true;
        log.close();
    }
}
