package dev.quiver.internal.meta;

import dev.quiver.CorruptDataException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * Bounds-checked little-endian reads from a segment (usually a mapped file). Every read past the end, and every
 * failed check, is a {@link CorruptDataException} naming the source, never an IndexOutOfBounds or a JVM crash.
 */
public final class BinaryReader {

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment segment;
    private final String source;
    private long position;

    public BinaryReader(MemorySegment segment, String source) {
        this.segment = segment;
        this.source = source;
    }

    public MemorySegment segment() {
        return segment;
    }

    public long position() {
        return position;
    }

    public void seek(long position) {
        this.position = position;
    }

    public long remaining() {
        return segment.byteSize() - position;
    }

    private void need(long n) {
        if (n < 0 || position + n > segment.byteSize()) {
            throw corrupt("truncated: need " + n + " bytes at offset " + position + ", size " + segment.byteSize());
        }
    }

    public byte readByte() {
        need(1);
        return segment.get(ValueLayout.JAVA_BYTE, position++);
    }

    public int readInt() {
        need(4);
        int v = segment.get(INT, position);
        position += 4;
        return v;
    }

    public long readLong() {
        need(8);
        long v = segment.get(LONG, position);
        position += 8;
        return v;
    }

    /** A length field that must lie in [0, max]. */
    public int readLength(String what, long max) {
        int n = readInt();
        if (n < 0 || n > max) {
            throw corrupt("bad " + what + ": " + n);
        }
        return n;
    }

    public byte[] readBytes(int n) {
        need(n);
        byte[] b = segment.asSlice(position, n).toArray(ValueLayout.JAVA_BYTE);
        position += n;
        return b;
    }

    /** A slice of the next n bytes, without copying. */
    public MemorySegment slice(long n) {
        need(n);
        MemorySegment s = segment.asSlice(position, n);
        position += n;
        return s;
    }

    public String readString() {
        int n = readLength("string length", remaining());
        return new String(readBytes(n), StandardCharsets.UTF_8);
    }

    public void expectMagic(byte[] magic, int version) {
        need(magic.length + 4L);
        for (int i = 0; i < magic.length; i++) {
            if (segment.get(ValueLayout.JAVA_BYTE, position + i) != magic[i]) {
                throw corrupt("bad magic");
            }
        }
        position += magic.length;
        int v = readInt();
        if (v != version) {
            throw corrupt("unsupported version " + v + " (this build reads " + version + ")");
        }
    }

    /**
     * Checks the CRC32C trailer: the last 4 bytes of the segment hold the checksum of all bytes before them.
     * Sequential and fast (gigabytes per second), so opening still does not decode anything.
     */
    public static void verifyChecksum(MemorySegment segment, String source) {
        long size = segment.byteSize();
        if (size < 4) {
            throw new CorruptDataException("corrupt data: " + source + ": truncated: " + size + " bytes");
        }
        CRC32C crc = new CRC32C();
        long body = size - 4;
        long chunk = 1 << 20;
        for (long off = 0; off < body; off += chunk) {
            crc.update(segment.asSlice(off, Math.min(chunk, body - off)).asByteBuffer());
        }
        int stored = segment.get(INT, body);
        if (stored != (int) crc.getValue()) {
            throw new CorruptDataException("corrupt data: " + source + ": checksum mismatch");
        }
    }

    public CorruptDataException corrupt(String what) {
        return new CorruptDataException("corrupt data: " + source + ": " + what);
    }
}
