package dev.quiver.storage.gen;

import dev.quiver.storage.CorruptFileException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Layout of one generation data file ({@code gen-<N>.<logical>}), version {@value #VERSION}. All integers
 * little-endian.
 *
 * <pre>
 * Header: {@value #HEADER_BYTES} bytes (one page, so the data region starts page-aligned and maps directly)
 *   0   u32  magic 0x46525651 (bytes "QVRF")
 *   4   u32  format version = 1
 *   8   u32  header bytes = 4096
 *   12  u32  kind: 0 = byte stream, 1 = slab
 *   16  u64  generation number
 *   24  u64  payload bytes: the meaningful bytes (for a slab: recordCount * strideBytes)
 *   32  u64  region bytes: bytes between header and trailer, &gt;= payload bytes. For a slab, a whole number of
 *            chunks so chunk boundaries in the file are chunk boundaries in memory; the part after the payload is
 *            written as a hole (sparse on Linux file systems) and reads as zeros
 *   40  u64  slab stride bytes (0 for a byte stream)
 *   48  u32  slab chunk shift (0 for a byte stream)
 *   52  u32  reserved, 0
 *   56  u64  slab record count (0 for a byte stream)
 *   64  u32  CRC32C of the payload bytes
 *   68  u16  logical name length L (1..64)
 *   70  L    logical name, UTF-8
 *   ...      zeros
 *   4092 u32 CRC32C of header bytes [0, 4092)
 * Region: region bytes (payload, then zeros)
 * Trailer: {@value #TRAILER_BYTES} bytes at 4096 + region bytes; the file ends right after it
 *   0   u32  magic 0x444E4551 (bytes "QEND")
 *   4   u32  CRC32C of the payload bytes (repeated)
 *   8   u64  payload bytes (repeated)
 *   16  u64  generation number (repeated)
 *   24  u32  reserved, 0
 *   28  u32  CRC32C of trailer bytes [0, 28)
 * </pre>
 *
 * The header is written last (after the trailer), so a file whose header checksum verifies was written to the end.
 */
public final class DataFileFormat {
    public static final int MAGIC = 0x46525651;
    public static final int TRAILER_MAGIC = 0x444E4551;
    public static final int VERSION = 1;
    public static final int HEADER_BYTES = 4096;
    public static final int TRAILER_BYTES = 32;
    public static final int KIND_BYTES = 0;
    public static final int KIND_SLAB = 1;
    public static final int MAX_NAME_BYTES = 64;

    private DataFileFormat() {
    }

    /** Decoded header fields. */
    public record Header(int kind, long generation, long payloadBytes, long regionBytes, long strideBytes,
                         int chunkShift, long recordCount, int payloadCrc, String logicalName) {

        /** The file length implied by the header. */
        public long fileBytes() {
            return HEADER_BYTES + regionBytes + TRAILER_BYTES;
        }
    }

    static ByteBuffer encodeHeader(Header h) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC).putInt(VERSION).putInt(HEADER_BYTES).putInt(h.kind())
                .putLong(h.generation()).putLong(h.payloadBytes()).putLong(h.regionBytes())
                .putLong(h.strideBytes()).putInt(h.chunkShift()).putInt(0).putLong(h.recordCount())
                .putInt(h.payloadCrc());
        byte[] name = h.logicalName().getBytes(StandardCharsets.UTF_8);
        b.putShort((short) name.length).put(name);
        b.putInt(HEADER_BYTES - 4, crc(b.array(), 0, HEADER_BYTES - 4));
        b.clear();
        return b;
    }

    static Header decodeHeader(Path file, ByteBuffer b) {
        b.order(ByteOrder.LITTLE_ENDIAN);
        int magic = b.getInt(0);
        if (magic != MAGIC) {
            throw new CorruptFileException(file, "not a Quiver data file: magic 0x" + Integer.toHexString(magic)
                    + ", expected 0x" + Integer.toHexString(MAGIC));
        }
        int version = b.getInt(4);
        if (version != VERSION) {
            throw new CorruptFileException(file, "unsupported data file version " + version + " (this build reads "
                    + VERSION + ")");
        }
        int stored = b.getInt(HEADER_BYTES - 4);
        int actual = crc(b.array(), 0, HEADER_BYTES - 4);
        if (stored != actual) {
            throw new CorruptFileException(file, "header checksum mismatch (stored 0x" + Integer.toHexString(stored)
                    + ", computed 0x" + Integer.toHexString(actual) + ")");
        }
        if (b.getInt(8) != HEADER_BYTES) {
            throw new CorruptFileException(file, "header length " + b.getInt(8) + ", expected " + HEADER_BYTES);
        }
        int kind = b.getInt(12);
        long generation = b.getLong(16);
        long payload = b.getLong(24);
        long region = b.getLong(32);
        long stride = b.getLong(40);
        int shift = b.getInt(48);
        long records = b.getLong(56);
        int payloadCrc = b.getInt(64);
        int nameLength = Short.toUnsignedInt(b.getShort(68));
        if (nameLength < 1 || nameLength > MAX_NAME_BYTES) {
            throw new CorruptFileException(file, "logical name length " + nameLength + " outside 1.." + MAX_NAME_BYTES);
        }
        String name = new String(b.array(), 70, nameLength, StandardCharsets.UTF_8);
        if (payload < 0 || region < payload || region > Long.MAX_VALUE / 2) {
            throw new CorruptFileException(file, "payload " + payload + " bytes does not fit region " + region);
        }
        switch (kind) {
            case KIND_BYTES -> {
                if (stride != 0 || shift != 0 || records != 0 || region != payload) {
                    throw new CorruptFileException(file, "byte-stream file with slab fields set");
                }
            }
            case KIND_SLAB -> {
                if (stride <= 0 || shift < 0 || shift > 30 || records < 0 || stride > (1L << 40) >>> shift) {
                    throw new CorruptFileException(file, "bad slab geometry: stride " + stride + ", chunk shift "
                            + shift);
                }
                long chunkBytes = stride << shift;
                long chunks = (records + (1L << shift) - 1) >>> shift;
                if (records > Long.MAX_VALUE / stride || payload != records * stride
                        || chunks > Long.MAX_VALUE / chunkBytes || region != chunks * chunkBytes) {
                    throw new CorruptFileException(file, "slab of " + records + " records of " + stride
                            + " bytes inconsistent with payload " + payload + " and region " + region);
                }
            }
            default -> throw new CorruptFileException(file, "unknown file kind " + kind);
        }
        return new Header(kind, generation, payload, region, stride, shift, records, payloadCrc, name);
    }

    static ByteBuffer encodeTrailer(long generation, long payloadBytes, int payloadCrc) {
        ByteBuffer b = ByteBuffer.allocate(TRAILER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(TRAILER_MAGIC).putInt(payloadCrc).putLong(payloadBytes).putLong(generation).putInt(0);
        b.putInt(crc(b.array(), 0, TRAILER_BYTES - 4));
        b.clear();
        return b;
    }

    static void checkTrailer(Path file, ByteBuffer b, Header h) {
        b.order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt(0) != TRAILER_MAGIC) {
            throw new CorruptFileException(file, "bad trailer magic 0x" + Integer.toHexString(b.getInt(0)));
        }
        if (b.getInt(TRAILER_BYTES - 4) != crc(b.array(), 0, TRAILER_BYTES - 4)) {
            throw new CorruptFileException(file, "trailer checksum mismatch");
        }
        if (b.getInt(4) != h.payloadCrc() || b.getLong(8) != h.payloadBytes() || b.getLong(16) != h.generation()) {
            throw new CorruptFileException(file, "trailer disagrees with header (payload " + b.getLong(8) + " vs "
                    + h.payloadBytes() + " bytes, generation " + b.getLong(16) + " vs " + h.generation() + ")");
        }
    }

    static int crc(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }
}
