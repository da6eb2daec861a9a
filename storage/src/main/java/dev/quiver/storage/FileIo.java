package dev.quiver.storage;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Small positional I/O helpers shared by the file formats: full reads and writes, forces, truncation, maps and
 * durable renames. The variants taking the file's path are the {@link FaultInjection} seam.
 */
public final class FileIo {
    private FileIo() {
    }

    /** Reads exactly {@code buffer.remaining()} bytes at {@code position}; EOF first is an {@link EOFException}. */
    public static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                throw new EOFException("end of file at byte " + at);
            }
            at += n;
        }
    }

    /** Writes all of {@code buffer} at {@code position}. */
    public static void writeFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            at += channel.write(buffer, at);
        }
    }

    /** Writes all of {@code buffer} at {@code position} of {@code file} (fault-injection seam). */
    public static void writeFully(FileChannel channel, ByteBuffer buffer, long position, Path file)
            throws IOException {
        FaultInjection.check(FaultInjection.Op.WRITE, file);
        writeFully(channel, buffer, position);
    }

    /** Writes all of {@code buffer} at the current position of {@code file} (fault-injection seam). */
    public static void writeFully(FileChannel channel, ByteBuffer buffer, Path file) throws IOException {
        FaultInjection.check(FaultInjection.Op.WRITE, file);
        writeFully(channel, buffer);
    }

    /** Forces {@code file}'s channel to the device (fault-injection seam). */
    public static void force(FileChannel channel, boolean metadata, Path file) throws IOException {
        FaultInjection.check(FaultInjection.Op.FORCE, file);
        channel.force(metadata);
    }

    /**
     * Forces {@code file} through an {@link AsynchronousFileChannel} (fault-injection seam). Unlike a
     * {@link FileChannel}, such a channel is not closed when the forcing thread is interrupted: a shared file's force
     * survives the interrupt of whichever caller runs it.
     */
    public static void force(AsynchronousFileChannel channel, boolean metadata, Path file) throws IOException {
        FaultInjection.check(FaultInjection.Op.FORCE, file);
        channel.force(metadata);
    }

    /** Truncates {@code file}'s channel (fault-injection seam). */
    public static void truncate(FileChannel channel, long size, Path file) throws IOException {
        FaultInjection.check(FaultInjection.Op.TRUNCATE, file);
        channel.truncate(size);
    }

    /** Renames {@code from} to {@code to} (fault-injection seam). */
    public static void move(Path from, Path to, java.nio.file.CopyOption... options) throws IOException {
        FaultInjection.check(FaultInjection.Op.RENAME, to);
        Files.move(from, to, options);
    }

    /** The fault-injection seam of a bulk read of {@code file} (a slab's records read at open). */
    public static void checkRead(Path file) throws IOException {
        FaultInjection.check(FaultInjection.Op.READ, file);
    }

    /** Maps part of {@code file} (fault-injection seam). */
    public static java.lang.foreign.MemorySegment map(FileChannel channel, FileChannel.MapMode mode, long position,
                                                      long size, java.lang.foreign.Arena arena, Path file)
            throws IOException {
        FaultInjection.check(FaultInjection.Op.MAP, file);
        return channel.map(mode, position, size, arena);
    }

    /** Writes all of {@code buffer} at the channel's current position. */
    public static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /**
     * Forces a directory's entries (creations, renames, deletions) to the device. On Linux a directory can be opened
     * for reading and fsync-ed; where the platform refuses (Windows) the rename is already durable and this is a no-op.
     */
    public static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            force(channel, true, dir);
        } catch (IOException e) {
            if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("windows")) {
                throw new StoreIOException(dir, "force directory", e);
            }
        }
    }

    /** Renames {@code from} over {@code to} atomically (replacing it), then forces the directory. */
    public static void atomicReplace(Path from, Path to) {
        try {
            move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new StoreIOException(to, "atomically rename " + from + " to", e);
        } catch (IOException e) {
            throw new StoreIOException(to, "rename " + from + " to", e);
        }
        forceDirectory(to.toAbsolutePath().getParent());
    }

    /** Deletes a file if present; a failure is an I/O error, a missing file is not. */
    public static void deleteIfExists(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (NoSuchFileException e) {
            // raced with another cleanup: fine
        } catch (IOException e) {
            throw new StoreIOException(file, "delete", e);
        }
    }
}
