package dev.quiver.storage.gen;

import dev.quiver.storage.ClosedStoreException;
import dev.quiver.storage.FileIo;
import dev.quiver.storage.StoreIOException;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * A byte-stream data file of a generation being written (layout in {@link DataFileFormat}). Bytes are buffered,
 * check-summed and streamed to the file; nothing is held in memory beyond one buffer. {@link #close()} writes the
 * trailer and the header, forces the file to the device and registers it with its {@link GenerationWriter}; a file
 * that is not closed is not part of the generation (commit refuses to proceed).
 *
 * <p>Little-endian helpers ({@link #writeInt}, {@link #writeLong}, ...) match {@link ReadableStream}'s readers.
 * Not thread-safe.
 */
public final class WritableFile extends OutputStream {
    private static final int BUFFER_BYTES = 1 << 16;

    private final Path path;
    private final String logicalName;
    private final long generation;
    private final GenerationWriter owner;
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    /** The whole buffer as a segment (taken while position is 0 and limit is the capacity), for segment copies. */
    private final MemorySegment bufferSegment = MemorySegment.ofBuffer(buffer);
    private final CRC32C crc = new CRC32C();
    private long payloadBytes;
    private boolean closed;

    WritableFile(Path path, String logicalName, long generation, GenerationWriter owner) {
        this.path = path;
        this.logicalName = logicalName;
        this.generation = generation;
        this.owner = owner;
        try {
            this.channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE);
            channel.position(DataFileFormat.HEADER_BYTES);
        } catch (IOException e) {
            throw new StoreIOException(path, "create", e);
        }
    }

    public Path path() {
        return path;
    }

    public String logicalName() {
        return logicalName;
    }

    /** Payload bytes written so far. */
    public long size() {
        return payloadBytes + buffer.position();
    }

    private void room(int bytes) {
        checkOpen();
        if (buffer.remaining() < bytes) {
            flushBuffer();
        }
    }

    @Override
    public void write(int b) {
        room(1);
        buffer.put((byte) b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        checkOpen();
        java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
        while (length > 0) {
            if (!buffer.hasRemaining()) {
                flushBuffer();
            }
            int n = Math.min(length, buffer.remaining());
            buffer.put(bytes, offset, n);
            offset += n;
            length -= n;
        }
    }

    public void writeShort(short v) {
        room(2);
        buffer.putShort(v);
    }

    public void writeInt(int v) {
        room(4);
        buffer.putInt(v);
    }

    public void writeLong(long v) {
        room(8);
        buffer.putLong(v);
    }

    public void writeFloat(float v) {
        room(4);
        buffer.putFloat(v);
    }

    /** Writes a u32 length then the bytes. */
    public void writeBytesWithLength(byte[] bytes) {
        writeInt(bytes.length);
        write(bytes, 0, bytes.length);
    }

    /** Writes the bytes of a memory segment (e.g. a slab chunk) without an intermediate heap copy. */
    public void write(MemorySegment segment) {
        checkOpen();
        long at = 0;
        long size = segment.byteSize();
        while (at < size) {
            if (!buffer.hasRemaining()) {
                flushBuffer();
            }
            int n = (int) Math.min(size - at, buffer.remaining());
            MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, at, bufferSegment, ValueLayout.JAVA_BYTE,
                    buffer.position(), n);
            buffer.position(buffer.position() + n);
            at += n;
        }
    }

    private void flushBuffer() {
        buffer.flip();
        crc.update(buffer.duplicate());
        payloadBytes += buffer.remaining();
        try {
            FileIo.writeFully(channel, buffer, path);
        } catch (IOException e) {
            throw new StoreIOException(path, "write", e);
        }
        buffer.clear();
    }

    @Override
    public void flush() {
        // Bytes become durable at close(); an intermediate flush would only add system calls.
    }

    /** Finishes the file: trailer, header, force, close; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            flushBuffer();
            int payloadCrc = (int) crc.getValue();
            long region = payloadBytes;
            FileIo.writeFully(channel, DataFileFormat.encodeTrailer(generation, payloadBytes, payloadCrc),
                    DataFileFormat.HEADER_BYTES + region, path);
            DataFileFormat.Header header = new DataFileFormat.Header(DataFileFormat.KIND_BYTES, generation,
                    payloadBytes, region, 0, 0, 0, payloadCrc, logicalName);
            FileIo.writeFully(channel, DataFileFormat.encodeHeader(header), 0, path);
            FileIo.force(channel, true, path);
            closed = true;
            channel.close();
            owner.registered(new FileEntry(logicalName, path.getFileName().toString(), DataFileFormat.KIND_BYTES,
                    header.fileBytes(), payloadBytes, payloadCrc), this);
        } catch (IOException e) {
            closed = true;
            try {
                channel.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new StoreIOException(path, "finish", e);
        }
    }

    /** Gives up on an unfinished file (its generation is being aborted): closes the channel, keeps no promise. */
    void abandon() {
        if (!closed) {
            closed = true;
            try {
                channel.close();
            } catch (IOException ignored) {
                // the file is deleted by the caller or by the next open's cleanup
            }
        }
    }

    boolean isClosed() {
        return closed;
    }

    private void checkOpen() {
        if (closed) {
            throw new ClosedStoreException("data file " + path + " is already closed");
        }
    }
}
