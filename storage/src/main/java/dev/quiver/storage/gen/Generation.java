package dev.quiver.storage.gen;

import dev.quiver.storage.ClosedStoreException;
import dev.quiver.storage.Slab;
import dev.quiver.storage.StorageFailure;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * One committed snapshot: its manifest and its checked data files. Mapping a file costs no copying and no reading.
 *
 * <p>Lifetimes: slabs from {@link #openSlab} own their memory and outlive the generation (close them yourself);
 * segments from {@link #map} live in this generation's arena and stay valid until {@link #close()}. On POSIX
 * systems a mapping stays valid even after a later save deleted the file.
 */
public final class Generation implements AutoCloseable {
    private final Path directory;
    private final Manifest manifest;
    private final Map<String, DataFile> files;
    private final Object arenaLock = new Object();
    private Arena arena;
    private boolean closed;

    Generation(Path directory, Manifest manifest, Map<String, DataFile> files) {
        this.directory = directory;
        this.manifest = manifest;
        this.files = Map.copyOf(files);
    }

    public long number() {
        return manifest.generation();
    }

    /** Every WAL record with an LSN up to and including this one is reflected in this generation. */
    public long walLsn() {
        return manifest.walLsn();
    }

    public Map<String, String> properties() {
        return manifest.properties();
    }

    public Manifest manifest() {
        return manifest;
    }

    public Path directory() {
        return directory;
    }

    public Set<String> names() {
        return files.keySet();
    }

    public boolean has(String logicalName) {
        return files.containsKey(logicalName);
    }

    /** The checked file; throws if this generation has no such file. */
    public DataFile file(String logicalName) {
        DataFile f = files.get(logicalName);
        if (f == null) {
            throw new StorageFailure("generation " + number() + " in " + directory + " has no file '"
                    + logicalName + "' (it has " + new java.util.TreeSet<>(files.keySet()) + ")");
        }
        return f;
    }

    /** The payload of a file, mapped read-only, valid until this generation is closed. */
    public MemorySegment map(String logicalName) {
        DataFile f = file(logicalName);
        synchronized (arenaLock) {
            if (closed) {
                throw new ClosedStoreException("generation " + number() + " is closed");
            }
            if (arena == null) {
                arena = Arena.ofShared();
            }
            return f.mapReadOnly(arena);
        }
    }

    /** A slab holding a slab file's records privately (mapped copy-on-write, or read): {@link DataFile#openSlab}. */
    public Slab openSlab(String logicalName, long expectedStrideBytes) {
        return file(logicalName).openSlab(expectedStrideBytes);
    }

    /** Records stored in a slab file. */
    public long recordCount(String logicalName) {
        return file(logicalName).recordCount();
    }

    public ReadableStream openStream(String logicalName) {
        return file(logicalName).openStream();
    }

    /** Verifies the payload checksum of every file (reads them all); throws {@code CorruptFileException}. */
    public void verify() {
        for (DataFile f : files.values()) {
            f.verify();
        }
    }

    /**
     * Verifies every file whose payload checksum has not passed yet; a save calls it before copying this generation's
     * bytes into the next one, so bytes are never re-checksummed (laundered) without having been checked.
     */
    public void verifyPending() {
        for (DataFile f : files.values()) {
            f.verifyIfPending();
        }
    }

    /** Whether every file's payload checksum has passed. */
    public boolean isVerified() {
        return files.values().stream().allMatch(DataFile::isVerified);
    }

    /** {@link #verify()} on an executor, for large generations verified in the background after open. */
    public CompletableFuture<Void> verifyAsync(Executor executor) {
        return CompletableFuture.runAsync(this::verify, executor);
    }

    /** Unmaps the segments returned by {@link #map}; slabs are unaffected. Idempotent. */
    @Override
    public void close() {
        synchronized (arenaLock) {
            if (closed) {
                return;
            }
            closed = true;
            if (arena != null) {
                arena.close();
            }
        }
    }
}
