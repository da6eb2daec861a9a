package dev.quiver.engine.db;

import dev.quiver.DatabaseNotFoundException;
import dev.quiver.StorageException;
import dev.quiver.engine.hnsw.HnswConfig;
import dev.quiver.engine.hnsw.HnswIndex;
import dev.quiver.engine.meta.MetadataCodec;
import dev.quiver.storage.DirectoryLock;
import dev.quiver.storage.gen.Generation;
import dev.quiver.storage.gen.GenerationStore;
import dev.quiver.storage.gen.GenerationWriter;
import dev.quiver.storage.gen.ReadableStream;
import dev.quiver.storage.gen.WritableFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A database directory on the storage module: {@code quiver.lock} (the directory lock), the manifest
 * {@code graph.vctrs} naming the current generation's files, and the write-ahead log.
 *
 * <p>A generation holds the {@link CatalogFile} (ids, metadata and vectors of the live records in insertion order)
 * and the {@link DbShape} as manifest properties.
 */
public final class StorageDbStore implements DbStore {

    private final Path directory;
    private final DirectoryLock lock;
    private final GenerationStore generations;
    private final RecordLog log;

    private StorageDbStore(Path directory, DirectoryLock lock, GenerationStore generations, RecordLog log) {
        this.directory = directory;
        this.lock = lock;
        this.generations = generations;
        this.log = log;
    }

    /**
     * Locks and opens the directory. With {@code create} the directory is created when absent; without it, a missing
     * directory is {@link DatabaseNotFoundException}.
     */
    public static StorageDbStore open(Path directory, boolean create) {
        if (create) {
            try {
                Files.createDirectories(directory);
            } catch (IOException e) {
                throw new StorageException("io error: cannot create directory '" + directory + "': " + e, e);
            }
        } else if (!Files.isDirectory(directory)) {
            throw new DatabaseNotFoundException("database not found at '" + directory + "'");
        }
        DirectoryLock lock = StorageErrors.call(() -> DirectoryLock.acquire(directory));
        GenerationStore generations = null;
        try {
            generations = StorageErrors.call(() -> GenerationStore.open(directory));
            RecordLog log = StorageRecordLog.open(directory);
            return new StorageDbStore(directory, lock, generations, log);
        } catch (RuntimeException e) {
            if (generations != null) {
                closeQuietly(generations);
            }
            closeQuietly(lock);
            throw e;
        }
    }

    /** Whether {@code directory} holds a database: a saved manifest or a write-ahead log (departure 6). */
    public static boolean holdsDatabase(Path directory) {
        return GenerationStore.exists(directory) || StorageRecordLog.exists(directory);
    }

    @Override
    public Saved current() {
        Generation g = StorageErrors.call(generations::current);
        if (g == null) {
            return null;
        }
        return new Saved(g.number(), g.walLsn(), DbShape.fromProperties(g.properties(),
                directory.resolve(dev.quiver.storage.gen.Manifest.FILE_NAME).toString()));
    }

    @Override
    public DbShape storedShape() {
        Saved saved = current();
        if (saved != null) {
            return saved.shape();
        }
        DbShape[] found = new DbShape[1];
        StorageRecordLog.scan(directory, 0, (lsn, record) -> {
            if (found[0] == null && record instanceof WalRecord.Create c) {
                found[0] = DbShape.of(c);
            }
        });
        return found[0];
    }

    @Override
    public RecordLog log() {
        return log;
    }

    @Override
    public HnswIndex load(HnswConfig config, Catalog catalog) {
        Generation g = StorageErrors.call(generations::current);
        List<CatalogFile.Entry> entries;
        try (ReadableStream in = StorageErrors.call(() -> g.openStream(CatalogFile.NAME))) {
            entries = StorageErrors.call(() -> CatalogFile.read(in, config.dim(),
                    g.file(CatalogFile.NAME).path()));
        }
        HnswIndex index = HnswIndex.create(config);
        try {
            float[][] vectors = new float[entries.size()][];
            for (int i = 0; i < vectors.length; i++) {
                vectors[i] = entries.get(i).vector();
            }
            int[] slots = vectors.length == 0 ? new int[0] : index.insertBatch(vectors);
            for (int i = 0; i < slots.length; i++) {
                CatalogFile.Entry e = entries.get(i);
                catalog.put(slots[i], e.id(), e.metadataJson() == null ? null
                        : FrozenJson.freeze(MetadataCodec.decode(e.metadataJson())));
            }
            return index;
        } catch (RuntimeException e) {
            index.close();
            throw e;
        }
    }

    @Override
    public long save(HnswIndex index, Catalog catalog, long walLsn, DbShape shape) {
        long number = StorageErrors.call(() -> {
            try (GenerationWriter writer = generations.beginGeneration()) {
                try (WritableFile out = writer.create(CatalogFile.NAME)) {
                    CatalogFile.write(out, catalog, index, shape.dim());
                }
                return writer.commit(walLsn, shape.toProperties()).number();
            }
        });
        log.trimUpTo(walLsn);
        return number;
    }

    @Override
    public void close() {
        try {
            log.close();
        } finally {
            try {
                closeQuietly(generations);
            } finally {
                closeQuietly(lock);
            }
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // Closing after a failure: the first error is the one reported.
        }
    }
}
