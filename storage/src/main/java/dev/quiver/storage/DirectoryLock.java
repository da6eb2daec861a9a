package dev.quiver.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One process at a time per database directory: an exclusive OS lock ({@link FileChannel#tryLock()}) on the file
 * {@value #FILE_NAME} in the directory. The OS releases the lock when the process dies, so a lock file left by a
 * crashed process never blocks; the file itself is never deleted (deleting it would let two openers lock two
 * different inodes). A second opener in the same JVM is refused too (the JVM reports the overlap).
 */
public final class DirectoryLock implements AutoCloseable {
    public static final String FILE_NAME = "quiver.lock";

    private final Path directory;
    private final FileChannel channel;
    private final FileLock lock;

    private DirectoryLock(Path directory, FileChannel channel, FileLock lock) {
        this.directory = directory;
        this.channel = channel;
        this.lock = lock;
    }

    /** Locks {@code directory} (which must exist) or throws {@link LockedStoreException} naming it. */
    public static DirectoryLock acquire(Path directory) {
        Path file = directory.resolve(FILE_NAME);
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            if (!Files.isDirectory(directory)) {
                throw new StoreIOException(directory, "lock (not a directory)", e);
            }
            throw new StoreIOException(file, "open lock file", e);
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            throw new LockedStoreException(directory, "another open handle in this process");
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StoreIOException(file, "lock", e);
        }
        if (lock == null) {
            closeQuietly(channel);
            throw new LockedStoreException(directory, "another process");
        }
        return new DirectoryLock(directory, channel, lock);
    }

    public Path directory() {
        return directory;
    }

    public boolean isHeld() {
        return lock.isValid();
    }

    /** Releases the lock. Idempotent. */
    @Override
    public void close() {
        try {
            if (lock.isValid()) {
                lock.release();
            }
            channel.close();
        } catch (IOException e) {
            throw new StoreIOException(directory.resolve(FILE_NAME), "release lock", e);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing was locked through this channel
        }
    }
}
