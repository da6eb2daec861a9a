package dev.quiver.storage;

import dev.quiver.storage.gen.Generation;
import dev.quiver.storage.gen.Generations;
import dev.quiver.storage.gen.GenerationWriter;
import dev.quiver.storage.wal.WalRecordHandler;
import dev.quiver.storage.wal.WalOpenMode;
import dev.quiver.storage.wal.WalWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One open database directory: its lock, its generations and its write-ahead log, opened in the only safe order
 * (lock, then the manifest and its files, then WAL replay from the LSN the current generation covers).
 *
 * <pre>{@code
 * try (DatabaseDirectory store = DatabaseDirectory.open(dir, true)) {
 *     Generation g = store.current();                 // null before the first save
 *     ... map g's files ...
 *     WalWriter wal = store.openWal(engine::apply);   // replays records after g.walLsn()
 *     ... wal.append(...) ...
 *     long x = wal.roll();                            // save: everything up to x goes into the generation
 *     try (GenerationWriter w = store.beginGeneration()) { ...; w.commit(x, props); }
 *     wal.trimUpTo(x);
 * }
 * }</pre>
 */
public final class DatabaseDirectory implements AutoCloseable {
    private final Path directory;
    private final DirectoryLock lock;
    private final Generations generations;
    private WalWriter wal;
    private boolean closed;

    private DatabaseDirectory(Path directory, DirectoryLock lock, Generations generations) {
        this.directory = directory;
        this.lock = lock;
        this.generations = generations;
    }

    /** Opens with the default verification threshold ({@link Generations#DEFAULT_VERIFY_ON_OPEN_BYTES}). */
    public static DatabaseDirectory open(Path directory, boolean create) {
        return open(directory, create, Generations.DEFAULT_VERIFY_ON_OPEN_BYTES);
    }

    /**
     * Locks {@code directory} (creating it if {@code create}) and opens its generations; the WAL is opened
     * separately by {@link #openWal} so the engine can map the generation first.
     */
    public static DatabaseDirectory open(Path directory, boolean create, long verifyOnOpenBytes) {
        if (create && !Files.isDirectory(directory)) {
            try {
                Files.createDirectories(directory);
            } catch (IOException e) {
                throw new StoreIOException(directory, "create directory", e);
            }
            // The new directory's own entry must survive a power loss too, or its WAL could vanish with it.
            Path parent = directory.toAbsolutePath().getParent();
            if (parent != null) {
                FileIo.forceDirectory(parent);
            }
        } else if (!Files.isDirectory(directory)) {
            throw new StoreIOException(directory, "open", new java.nio.file.NoSuchFileException(directory.toString()));
        }
        DirectoryLock lock = DirectoryLock.acquire(directory);
        try {
            return new DatabaseDirectory(directory, lock, Generations.open(directory, verifyOnOpenBytes));
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    public Path directory() {
        return directory;
    }

    /** The current generation, or null before the first save. */
    public Generation current() {
        return generations.current();
    }

    public Generations generations() {
        return generations;
    }

    public GenerationWriter beginGeneration() {
        return generations.beginGeneration();
    }

    /**
     * Replays the WAL after the current generation's LSN into {@code handler} and returns the log, ready for
     * appends; {@code writer.recovery()} says what replay found. Once per store.
     */
    public synchronized WalWriter openWal(WalRecordHandler handler) {
        return openWal(handler, WalOpenMode.REFUSE_DAMAGE);
    }

    /** {@link #openWal(WalRecordHandler)} choosing what damage in the log does ({@link WalOpenMode}). */
    public synchronized WalWriter openWal(WalRecordHandler handler, WalOpenMode mode) {
        checkOpen();
        if (wal != null) {
            throw new IllegalStateException("the write-ahead log of " + directory + " is already open");
        }
        Generation g = generations.current();
        wal = WalWriter.open(directory, g == null ? 0 : g.walLsn(), handler, mode);
        return wal;
    }

    /** The log opened by {@link #openWal}, or null. */
    public synchronized WalWriter wal() {
        return wal;
    }

    private void checkOpen() {
        if (closed) {
            throw new ClosedStoreException("store " + directory + " is closed");
        }
    }

    /** Closes the log (forcing it), the generations' mappings, and releases the lock. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (wal != null) {
                wal.close();
            }
        } finally {
            try {
                generations.close();
            } finally {
                lock.close();
            }
        }
    }
}
