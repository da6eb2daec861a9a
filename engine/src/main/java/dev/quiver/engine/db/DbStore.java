package dev.quiver.engine.db;

import dev.quiver.engine.hnsw.HnswConfig;
import dev.quiver.engine.hnsw.HnswIndex;

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
     * Loads the current generation: fills the empty {@code catalog} with its ids and metadata and returns its index,
     * whose slots the catalog refers to.
     */
    HnswIndex load(HnswConfig config, Catalog catalog);

    /**
     * Writes a new generation holding {@code index} and {@code catalog} as of log position {@code walLsn}, switches to
     * it atomically, then trims the log up to {@code walLsn}. Returns the new generation number.
     */
    long save(HnswIndex index, Catalog catalog, long walLsn, DbShape shape);

    /** Releases the log, the mappings of the generation and the directory lock. */
    @Override
    void close();
}
