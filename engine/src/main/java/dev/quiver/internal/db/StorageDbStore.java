package dev.quiver.internal.db;

import dev.quiver.CorruptDataException;
import dev.quiver.DatabaseNotFoundException;
import dev.quiver.StorageException;
import dev.quiver.internal.filter.InvertedIndex;
import dev.quiver.internal.hnsw.HnswConfig;
import dev.quiver.internal.hnsw.HnswIndex;
import dev.quiver.internal.meta.IdMap;
import dev.quiver.internal.meta.MetadataStore;
import dev.quiver.storage.CorruptFileException;
import dev.quiver.storage.DirectoryLock;
import dev.quiver.storage.FileIo;
import dev.quiver.storage.gen.DataFile;
import dev.quiver.storage.gen.Generation;
import dev.quiver.storage.gen.GenerationStore;
import dev.quiver.storage.gen.GenerationWriter;
import dev.quiver.storage.gen.ReadableStream;
import dev.quiver.storage.gen.WritableFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A database directory on the storage module: {@code quiver.lock} (the directory lock), the manifest
 * {@code graph.vctrs} naming the current generation's files, and the write-ahead log.
 *
 * <p>A generation (properties format {@link DbShape#PROPERTIES_VERSION} = 2) holds, besides the {@link DbShape} as
 * manifest properties:
 * <ul>
 *   <li>the index's files ({@value #INDEX_PREFIX}{@code vectors}, {@code ...layer0}, SQ8 codes...; mapped
 *       copy-on-write at open, no rebuild);</li>
 *   <li>{@value #IDS_FILE}: the {@link IdMap} ({@link IdMap#writeTo} documents the bytes, format
 *       {@link IdMap#FORMAT_VERSION}): live ids by slot plus an on-disk hash table, served in place;</li>
 *   <li>{@value #METADATA_FILE}: the {@link MetadataStore} ({@link MetadataStore#writeTo}, format
 *       {@link MetadataStore#FORMAT_VERSION}): each slot's encoded metadata, served in place;</li>
 *   <li>{@value #FILTER_FILE}: the {@link InvertedIndex} ({@code IndexFileWriter} in the filter module, format
 *       {@link InvertedIndex#FORMAT_VERSION}): postings served from the file.</li>
 * </ul>
 * Each of these three carries its own CRC32C over all its bytes (checked at open) inside the storage module's
 * framing. Opening maps them and checks their headers and offset tables; nothing is decoded into the heap. Writes
 * after open (and log replay) go to the heap layers of each structure. A save writes the merged files, commits, then
 * switches the database to the new generation's files and unmaps the old ones.
 *
 * <p>Properties format 1 generations held a single {@link CatalogFile} instead; they still open (decoded and the
 * inverted index rebuilt, O(records)) and the next save writes format 2.
 *
 * <p>Files whose payload exceeds the verification threshold (64 MiB, {@value #VERIFY_PROPERTY} overrides) are not
 * checksummed at open; a background thread verifies them right after, and a mismatch marks the store failed
 * ({@link #failure()}), which the database turns into {@link CorruptDataException} on every later operation.
 */
public final class StorageDbStore implements DbStore {

    /** Prefix of the index's files inside a generation ({@code index-vectors}, {@code index-layer0}, ...). */
    static final String INDEX_PREFIX = "index-";
    static final String IDS_FILE = "ids";
    static final String METADATA_FILE = "metadata";
    static final String FILTER_FILE = "filter-index";
    /** System property: payload bytes up to which a file is checksummed at open (larger ones in the background). */
    public static final String VERIFY_PROPERTY = "quiver.verifyOnOpenBytes";

    private final Path directory;
    private final DirectoryLock lock;
    private final GenerationStore generations;
    private final RecordLog log;
    private final long verifyOnOpenBytes;
    /** The generation whose files the catalog and filter index are served from (closed when replaced). */
    private Generation served;
    private volatile CorruptDataException failure;
    private volatile Thread verifier;
    private volatile boolean closed;

    private StorageDbStore(Path directory, DirectoryLock lock, GenerationStore generations, RecordLog log,
                           long verifyOnOpenBytes) {
        this.directory = directory;
        this.lock = lock;
        this.generations = generations;
        this.log = log;
        this.verifyOnOpenBytes = verifyOnOpenBytes;
    }

    /**
     * Locks and opens the directory. With {@code create} the directory is created when absent; without it, a missing
     * directory is {@link DatabaseNotFoundException}.
     */
    public static StorageDbStore open(Path directory, boolean create) {
        if (create && !Files.isDirectory(directory)) {
            try {
                Files.createDirectories(directory);
            } catch (IOException e) {
                throw new StorageException("io error: cannot create directory '" + directory + "': " + e, e);
            }
            // The new directory's entry must survive a power loss too, or its log could vanish with it.
            Path parent = directory.toAbsolutePath().getParent();
            if (parent != null) {
                StorageErrors.run(() -> FileIo.forceDirectory(parent));
            }
        } else if (!Files.isDirectory(directory)) {
            throw new DatabaseNotFoundException("database not found at '" + directory + "'");
        }
        long threshold = Long.getLong(VERIFY_PROPERTY, GenerationStore.DEFAULT_VERIFY_ON_OPEN_BYTES);
        DirectoryLock lock = StorageErrors.call(() -> DirectoryLock.acquire(directory));
        GenerationStore generations = null;
        try {
            generations = StorageErrors.call(() -> GenerationStore.open(directory, threshold));
            RecordLog log = StorageRecordLog.open(directory);
            return new StorageDbStore(directory, lock, generations, log, threshold);
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
        WalRecord.Create create = StorageRecordLog.findCreate(directory);
        return create == null ? null : DbShape.of(create);
    }

    @Override
    public RecordLog log() {
        return log;
    }

    @Override
    public HnswIndex load(HnswConfig config, Catalog catalog, FilterIndex filters) {
        Generation g = StorageErrors.call(generations::current);
        HnswIndex index = StorageErrors.call(() -> HnswIndex.open(g, INDEX_PREFIX, config));
        try {
            if (g.has(CatalogFile.NAME)) {
                loadLegacyCatalog(g, index, catalog, filters);
            } else {
                Opened opened = openFiles(g);
                check(g, index, opened);
                catalog.replaceWith(opened.ids(), opened.metadata());
                filters.replaceWith(opened.filters());
            }
            served = g;
            startVerification(g);
            return index;
        } catch (RuntimeException e) {
            index.close();
            throw e;
        }
    }

    /** The catalog and filter index of a generation, opened in place. */
    private record Opened(IdMap ids, MetadataStore metadata, InvertedIndex filters) { }

    private static Opened openFiles(Generation g) {
        return StorageErrors.call(() -> new Opened(
                IdMap.open(g.map(IDS_FILE), g.file(IDS_FILE).path().toString()),
                MetadataStore.open(g.map(METADATA_FILE), g.file(METADATA_FILE).path().toString()),
                InvertedIndex.readFrom(g.map(FILTER_FILE), g.file(FILTER_FILE).path().toString())));
    }

    /** Cross-checks the files against each other and the index: O(1) each, no pass over the records. */
    private static void check(Generation g, HnswIndex index, Opened o) {
        int totalSlots = index.totalSlots();
        int live = o.ids().size();
        if (o.ids().slotCount() > totalSlots || live > totalSlots - index.deletedCount()) {
            throw corrupt(g, IDS_FILE, live + " ids over " + o.ids().slotCount() + " slots do not fit an index of "
                    + totalSlots + " slots with " + index.deletedCount() + " tombstones");
        }
        if (o.metadata().slotCount() > totalSlots) {
            throw corrupt(g, METADATA_FILE, o.metadata().slotCount() + " slots exceed the index's " + totalSlots);
        }
        if (o.filters().liveCount() != live) {
            throw corrupt(g, FILTER_FILE, o.filters().liveCount() + " live slots, the id map has " + live);
        }
    }

    private static CorruptDataException corrupt(Generation g, String file, String what) {
        return new CorruptDataException("corrupt data: " + g.file(file).path() + ": " + what);
    }

    /** Properties format 1: one catalog file, decoded onto the heap; the filter index is rebuilt from it. */
    private static void loadLegacyCatalog(Generation g, HnswIndex index, Catalog catalog, FilterIndex filters) {
        try (ReadableStream in = StorageErrors.call(() -> g.openStream(CatalogFile.NAME))) {
            StorageErrors.run(() -> CatalogFile.read(in, g.file(CatalogFile.NAME).path(), index.totalSlots(),
                    catalog));
        }
        catalog.forEachLive(slot -> {
            if (index.isDeleted(slot)) {
                throw new CorruptDataException("corrupt data: " + g.file(CatalogFile.NAME).path()
                        + ": live id '" + catalog.idOf(slot) + "' in tombstoned slot " + slot);
            }
        });
        filters.rebuild(catalog);
    }

    /** Verifies, on a daemon thread, the files too large to be checksummed at open. */
    private void startVerification(Generation g) {
        List<DataFile> large = new ArrayList<>();
        for (String name : g.names()) {
            DataFile f = g.file(name);
            if (f.payloadBytes() > verifyOnOpenBytes) {
                large.add(f);
            }
        }
        if (large.isEmpty()) {
            return;
        }
        Thread t = Thread.ofPlatform().daemon().name("quiver-verify-" + directory.getFileName()).unstarted(() -> {
            for (DataFile f : large) {
                if (closed) {
                    return;
                }
                try {
                    f.verify();
                } catch (CorruptFileException e) {
                    failure = new CorruptDataException("corrupt data: " + e.getMessage()
                            + " (found by the background verification after open)", e);
                    return;
                } catch (dev.quiver.storage.StorageException | UncheckedIOException e) {
                    // Not corruption: the file went away with a later save or the store closed. Nothing to report.
                    return;
                }
            }
        });
        verifier = t;
        t.start();
    }

    @Override
    public CorruptDataException failure() {
        return failure;
    }

    /** Waits for the background verification started at open, if any (tests). */
    public void awaitVerification() throws InterruptedException {
        Thread t = verifier;
        if (t != null) {
            t.join();
        }
    }

    @Override
    public long save(HnswIndex index, Catalog catalog, FilterIndex filters, long walLsn, DbShape shape,
                     Consumer<Runnable> exclusively) {
        // Records appended from here on go to a new log segment, so the covered ones can be trimmed whole.
        long sealed = log.roll();
        Generation g = StorageErrors.call(() -> {
            try (GenerationWriter writer = generations.beginGeneration()) {
                index.writeTo(writer, INDEX_PREFIX);
                try (WritableFile out = writer.create(IDS_FILE)) {
                    catalog.idMap().writeTo(out);
                }
                try (WritableFile out = writer.create(METADATA_FILE)) {
                    catalog.metadataStore().writeTo(out);
                }
                try (WritableFile out = writer.create(FILTER_FILE)) {
                    filters.index().writeTo(out);
                }
                return writer.commit(walLsn, shape.toProperties());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        // Serve from the new files: the heap layers empty, the old generation's mappings released.
        Opened opened = openFiles(g);
        Generation previous = served;
        exclusively.accept(() -> {
            catalog.replaceWith(opened.ids(), opened.metadata());
            filters.replaceWith(opened.filters());
            if (previous != null && previous != g) {
                previous.close();
            }
        });
        served = g;
        log.trimUpTo(Math.min(sealed, walLsn));
        return g.number();
    }

    @Override
    public void close() {
        closed = true; // the background verification stops before its next file
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
