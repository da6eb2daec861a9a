package dev.quiver.internal.db;

import dev.quiver.CorruptDataException;
import dev.quiver.internal.hnsw.HnswConfig;
import dev.quiver.internal.hnsw.HnswIndex;

import java.util.function.Consumer;

/**
 * One database directory on disk: its lock, its saved generations and its log. {@link StorageDbStore} implements
 * it on the storage module.
 */
public interface DbStore extends AutoCloseable {

    /** The last saved generation: its number, the log position it includes, and the database shape. */
    record Saved(long generation, long walLsn, DbShape shape) { }

    /** The current saved generation, or {@code null} before the first save. */
    Saved current();

    /**
     * The shape on disk: the current generation's, else the one in the log's CREATE record (a database never
     * saved), else {@code null} when the directory holds no database.
     */
    DbShape storedShape();

    /** The log; it opens for appending when the database replays it. */
    RecordLog log();

    /**
     * Loads the current generation: points the empty {@code catalog} and {@code filters} at its ids, metadata and
     * inverted index and returns its index, whose slots the catalog refers to.
     */
    HnswIndex load(HnswConfig config, Catalog catalog, FilterIndex filters);

    /**
     * Writes a new generation holding {@code index}, {@code catalog} and {@code filters} as of log position
     * {@code walLsn}, switches to it atomically, switches {@code catalog} and {@code filters} to the new files (the
     * switch is handed to {@code exclusively}, which must run it with every reader kept out), then trims the log up to
     * {@code walLsn}. The caller keeps writers out for the whole call. Returns the new generation number.
     */
    long save(HnswIndex index, Catalog catalog, FilterIndex filters, long walLsn, DbShape shape,
              Consumer<Runnable> exclusively);

    /** Corruption found after open (background verification of large files), or {@code null}. */
    CorruptDataException failure();

    /** Releases the log, the mappings of the generation and the directory lock. */
    @Override
    void close();
}
