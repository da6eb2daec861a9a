package dev.quiver.storage.gen;

import dev.quiver.storage.CorruptFileException;
import dev.quiver.storage.FileIo;
import dev.quiver.storage.Slab;
import dev.quiver.storage.StoreIOException;
import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * A generation data file whose header and trailer were read and checked against the manifest entry: magic, version,
 * header checksum, kind, name, generation, exact file length, payload length and payload CRC as recorded in the
 * manifest. Opening costs two small reads whatever the file size.
 *
 * <p>The payload checksum is verified by {@link #verify()}, which reads the whole payload: see
 * {@link Generations} for when that runs. {@link #isVerified()} tells whether it has passed.
 */
public final class DataFile {
    private static final int VERIFY_BUFFER_BYTES = 1 << 20;

    private final Path path;
    private final DataFileFormat.Header header;
    /** The payload checksum was verified (by this handle): a save may copy the file's bytes. */
    private volatile boolean verified;

    private DataFile(Path path, DataFileFormat.Header header) {
        this.path = path;
        this.header = header;
    }

    /** Opens and checks {@code path} against its manifest entry. */
    static DataFile open(Path path, FileEntry expected, long generation) {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size != expected.fileBytes()) {
                throw new CorruptFileException(path, "file is " + size + " bytes, manifest says "
                        + expected.fileBytes());
            }
            if (size < DataFileFormat.HEADER_BYTES + DataFileFormat.TRAILER_BYTES) {
                throw new CorruptFileException(path, "file of " + size + " bytes is shorter than header and trailer");
            }
            ByteBuffer headerBytes = ByteBuffer.allocate(DataFileFormat.HEADER_BYTES);
            FileIo.readFully(channel, headerBytes, 0);
            DataFileFormat.Header header = DataFileFormat.decodeHeader(path, headerBytes);
            if (header.fileBytes() != size) {
                throw new CorruptFileException(path, "header implies " + header.fileBytes() + " bytes, file has "
                        + size);
            }
            ByteBuffer trailer = ByteBuffer.allocate(DataFileFormat.TRAILER_BYTES);
            FileIo.readFully(channel, trailer, size - DataFileFormat.TRAILER_BYTES);
            DataFileFormat.checkTrailer(path, trailer, header);
            if (header.generation() != generation || !header.logicalName().equals(expected.logicalName())
                    || header.kind() != expected.kind() || header.payloadBytes() != expected.payloadBytes()
                    || header.payloadCrc() != expected.payloadCrc()) {
                throw new CorruptFileException(path, "file (generation " + header.generation() + ", '"
                        + header.logicalName() + "', " + header.payloadBytes() + " payload bytes) does not match the "
                        + "manifest (generation " + generation + ", '" + expected.logicalName() + "', "
                        + expected.payloadBytes() + " payload bytes)");
            }
            return new DataFile(path, header);
        } catch (NoSuchFileException e) {
            throw new CorruptFileException(path, "missing: listed in the manifest but not on disk");
        } catch (EOFException e) {
            throw new CorruptFileException(path, "truncated: " + e.getMessage());
        } catch (IOException e) {
            throw new StoreIOException(path, "open", e);
        }
    }

    public Path path() {
        return path;
    }

    public String logicalName() {
        return header.logicalName();
    }

    public boolean isSlab() {
        return header.kind() == DataFileFormat.KIND_SLAB;
    }

    public long payloadBytes() {
        return header.payloadBytes();
    }

    /** Records in a slab file (0 for a byte stream). */
    public long recordCount() {
        return header.recordCount();
    }

    public long strideBytes() {
        return header.strideBytes();
    }

    public int chunkShift() {
        return header.chunkShift();
    }

    /** The payload, mapped read-only into {@code arena} (no copy; valid until the arena closes). */
    public MemorySegment mapReadOnly(Arena arena) {
        if (header.payloadBytes() == 0) {
            return arena.allocate(0);
        }
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            return FileIo.map(channel, FileChannel.MapMode.READ_ONLY, DataFileFormat.HEADER_BYTES,
                    header.payloadBytes(), arena, path);
        } catch (IOException e) {
            throw new StoreIOException(path, "map", e);
        }
    }

    /**
     * A slab whose chunks hold this file's records privately ({@link Slab#openPrivate}: a copy-on-write mapping, or a
     * copy read into memory where the storage module has no native access): the caller may modify records in place
     * and grow the slab; the file never changes. {@code expectedStrideBytes} guards against a mix-up of files.
     * The file must be writable by this process (the JDK maps privately only through a writable channel).
     */
    public Slab openSlab(long expectedStrideBytes) {
        if (!isSlab()) {
            throw new CorruptFileException(path, "is a byte-stream file, not a slab");
        }
        if (header.strideBytes() != expectedStrideBytes) {
            throw new CorruptFileException(path, "slab stride is " + header.strideBytes() + " bytes, expected "
                    + expectedStrideBytes);
        }
        // A private mapping needs a channel opened for writing, although nothing is ever written to the file.
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return Slab.openPrivate(path, channel, DataFileFormat.HEADER_BYTES, header.regionBytes(),
                    header.strideBytes(), header.chunkShift());
        } catch (IOException e) {
            throw new StoreIOException(path, "open", e);
        }
    }

    /** A sequential reader of the payload. */
    public ReadableStream openStream() {
        try {
            FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
            return new ReadableStream(path, channel, DataFileFormat.HEADER_BYTES, header.payloadBytes());
        } catch (IOException e) {
            throw new StoreIOException(path, "open", e);
        }
    }

    /**
     * Reads the whole payload from the file (not from any mapping, whose private copies may have been modified) and
     * checks its CRC32C; throws {@link CorruptFileException} on a mismatch. For a slab it also checks that the
     * padding after the last record is zeros, since a slab's unused records are assumed zero-filled like fresh chunks.
     */
    public void verify() {
        CRC32C crc = new CRC32C();
        ByteBuffer buffer = ByteBuffer.allocateDirect(VERIFY_BUFFER_BYTES);
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long at = DataFileFormat.HEADER_BYTES;
            long end = at + header.payloadBytes();
            while (at < end) {
                buffer.clear().limit((int) Math.min(VERIFY_BUFFER_BYTES, end - at));
                FileIo.readFully(channel, buffer, at);
                buffer.flip();
                at += buffer.remaining();
                crc.update(buffer);
            }
            long regionEnd = DataFileFormat.HEADER_BYTES + header.regionBytes();
            while (at < regionEnd) {
                buffer.clear().limit((int) Math.min(VERIFY_BUFFER_BYTES, regionEnd - at));
                FileIo.readFully(channel, buffer, at);
                buffer.flip();
                for (int i = 0; i < buffer.limit(); i++) {
                    if (buffer.get(i) != 0) {
                        throw new CorruptFileException(path, "non-zero byte in slab padding at offset " + (at + i));
                    }
                }
                at += buffer.limit();
            }
        } catch (EOFException e) {
            throw new CorruptFileException(path, "truncated: " + e.getMessage());
        } catch (IOException e) {
            throw new StoreIOException(path, "verify", e);
        }
        int actual = (int) crc.getValue();
        if (actual != header.payloadCrc()) {
            throw new CorruptFileException(path, "payload checksum mismatch (stored 0x"
                    + Integer.toHexString(header.payloadCrc()) + ", computed 0x" + Integer.toHexString(actual) + ")");
        }
        verified = true;
    }

    /** Whether {@link #verify()} has passed on this handle. */
    public boolean isVerified() {
        return verified;
    }

    /** {@link #verify()} unless it already passed: what a save calls before copying bytes that came from here. */
    public void verifyIfPending() {
        if (!verified) {
            verify();
        }
    }
}
