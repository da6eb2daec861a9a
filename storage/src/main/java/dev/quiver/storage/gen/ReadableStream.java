package dev.quiver.storage.gen;

import dev.quiver.storage.CorruptFileException;
import dev.quiver.storage.StoreIOException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Sequential reader of a data file's payload with little-endian helpers matching {@link WritableFile}. Reading past
 * the payload is a {@link CorruptFileException} (the writer's own structure promised more bytes than exist).
 * Owns its channel; not thread-safe.
 */
public final class ReadableStream extends InputStream {
    private static final int BUFFER_BYTES = 1 << 16;

    private final Path path;
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private long filePosition;
    private final long end;

    ReadableStream(Path path, FileChannel channel, long start, long payloadBytes) {
        this.path = path;
        this.channel = channel;
        this.filePosition = start;
        this.end = start + payloadBytes;
        buffer.limit(0);
    }

    /** Payload bytes not yet read. */
    public long remaining() {
        return end - filePosition + buffer.remaining();
    }

    private boolean fill() {
        if (filePosition >= end) {
            return false;
        }
        buffer.compact();
        int want = (int) Math.min(buffer.remaining(), end - filePosition);
        buffer.limit(buffer.position() + want);
        try {
            while (buffer.hasRemaining()) {
                int n = channel.read(buffer, filePosition);
                if (n < 0) {
                    throw new CorruptFileException(path, "file shorter than its header says");
                }
                filePosition += n;
            }
        } catch (IOException e) {
            throw new StoreIOException(path, "read", e);
        }
        buffer.flip();
        return true;
    }

    private void need(int bytes) {
        while (buffer.remaining() < bytes) {
            if (!fill()) {
                throw new CorruptFileException(path, "payload ends inside a " + bytes + "-byte value");
            }
        }
    }

    @Override
    public int read() {
        if (!buffer.hasRemaining() && !fill()) {
            return -1;
        }
        return buffer.get() & 0xFF;
    }

    @Override
    public int read(byte[] dst, int offset, int length) {
        java.util.Objects.checkFromIndexSize(offset, length, dst.length);
        if (length == 0) {
            return 0;
        }
        if (!buffer.hasRemaining() && !fill()) {
            return -1;
        }
        int n = Math.min(length, buffer.remaining());
        buffer.get(dst, offset, n);
        return n;
    }

    /** Reads exactly {@code dst.length} bytes or throws {@link CorruptFileException}. */
    public void readFully(byte[] dst) {
        int at = 0;
        while (at < dst.length) {
            int n = read(dst, at, dst.length - at);
            if (n < 0) {
                throw new CorruptFileException(path, "payload ends inside a " + dst.length + "-byte field");
            }
            at += n;
        }
    }

    public short readShort() {
        need(2);
        return buffer.getShort();
    }

    public int readInt() {
        need(4);
        return buffer.getInt();
    }

    public long readLong() {
        need(8);
        return buffer.getLong();
    }

    public float readFloat() {
        need(4);
        return buffer.getFloat();
    }

    /** Reads a u32 length (at most {@code maxLength}) and that many bytes, as written by writeBytesWithLength. */
    public byte[] readBytesWithLength(int maxLength) {
        int length = readInt();
        if (length < 0 || length > maxLength || length > remaining()) {
            throw new CorruptFileException(path, "field length " + Integer.toUnsignedString(length)
                    + " exceeds the limit " + maxLength + " or the remaining payload");
        }
        byte[] bytes = new byte[length];
        readFully(bytes);
        return bytes;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new StoreIOException(path, "close", e);
        }
    }
}
