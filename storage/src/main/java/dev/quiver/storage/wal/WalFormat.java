package dev.quiver.storage.wal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Layout of the write-ahead log, version {@value #VERSION} (version 1 segments, without batch marks, are still read).
 * All integers little-endian.
 *
 * <p>The log is a sequence of segment files. The active segment, the one appended to, is always {@code wal.vctrs}
 * (the name vctrs uses, so tools that look for it find it); older, sealed segments are
 * {@code wal-<firstLsn, 20 decimal digits>.vctrs}. LSNs are consecutive across segments, starting at 1.
 *
 * <pre>
 * Segment header ({@value #HEADER_BYTES} bytes)
 *   0   u32  magic 0x4C415751 (bytes "QWAL")
 *   4   u32  format version = 2 (or 1)
 *   8   u64  first LSN: the LSN of the segment's first record (or of the next record, if it has none)
 *   16  u32  reserved, 0
 *   20  u32  CRC32C of bytes [0, 20)
 * Record ({@value #RECORD_OVERHEAD} bytes + payload), repeated to the end of the file
 *   0   u64  LSN (the previous record's LSN + 1; the header's first LSN for the first record)
 *   8   u8   type: bits 0-6 the engine's record type (opaque here); bit 7 ({@link #BATCH_CONTINUES}, version 2)
 *            set on every record of a batch but its last: the batch's records are applied only once its last
 *            record is read, so a batch torn anywhere (a crash between its writes, a failed later write) is
 *            dropped whole
 *   9   u32  payload length (at most {@value #MAX_PAYLOAD_BYTES})
 *   13  ...  payload
 *   ..  u32  CRC32C of the record's bytes from the LSN to the end of the payload
 * </pre>
 *
 * A record is intact when it is complete, its checksum matches and its LSN is the expected one. In the active segment
 * the log ends at the first record that is not (a torn write from a crash), together with the batch it belongs to,
 * and recovery truncates it there. Anything else is damage, since no crash produces it: a segment whose header is
 * not intact (segments are created under a temporary name and renamed once their header is on the device), a
 * sealed segment that does not read to its end (it was forced before it was sealed), a gap between segments, or no
 * log at all where the snapshot says one continues. Damage refuses the open unless the caller chose to open up to it
 * ({@link WalOpenMode}).
 */
public final class WalFormat {
    public static final int MAGIC = 0x4C415751;
    public static final int VERSION = 2;
    /** The first version (records without batch marks); still read. */
    public static final int VERSION_1 = 1;
    /** Type bit: more records of the same batch follow (version 2). */
    public static final int BATCH_CONTINUES = 0x80;
    public static final int HEADER_BYTES = 24;
    public static final int RECORD_OVERHEAD = 17;
    public static final int MAX_PAYLOAD_BYTES = 256 << 20;
    public static final String ACTIVE_NAME = "wal.vctrs";
    static final String TEMP_NAME = "wal.vctrs.tmp";
    static final String SEALED_PREFIX = "wal-";
    static final String SEALED_SUFFIX = ".vctrs";

    private WalFormat() {
    }

    static String sealedName(long firstLsn) {
        return String.format("%s%020d%s", SEALED_PREFIX, firstLsn, SEALED_SUFFIX);
    }

    /** The first LSN encoded in a sealed segment's name, or -1 if {@code name} is not one. */
    static long sealedFirstLsn(String name) {
        if (!name.startsWith(SEALED_PREFIX) || !name.endsWith(SEALED_SUFFIX)
                || name.length() != SEALED_PREFIX.length() + 20 + SEALED_SUFFIX.length()) {
            return -1;
        }
        String digits = name.substring(SEALED_PREFIX.length(), SEALED_PREFIX.length() + 20);
        for (int i = 0; i < digits.length(); i++) {
            if (!Character.isDigit(digits.charAt(i))) {
                return -1;
            }
        }
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static ByteBuffer header(long firstLsn) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC).putInt(VERSION).putLong(firstLsn).putInt(0);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, 20);
        b.putInt((int) crc.getValue());
        b.flip();
        return b;
    }

    /** The version of an intact header (the caller checked it with {@link #parseHeader}). */
    static int version(ByteBuffer b) {
        return b.order(ByteOrder.LITTLE_ENDIAN).getInt(4);
    }

    /** The first LSN of a valid header, or -1 if the header is not intact. */
    static long parseHeader(ByteBuffer b) {
        b.order(ByteOrder.LITTLE_ENDIAN);
        if (b.limit() < HEADER_BYTES || b.getInt(0) != MAGIC || (b.getInt(4) != VERSION && b.getInt(4) != VERSION_1)) {
            return -1;
        }
        CRC32C crc = new CRC32C();
        crc.update(b.slice(0, 20));
        if (b.getInt(20) != (int) crc.getValue()) {
            return -1;
        }
        long first = b.getLong(8);
        return first >= 1 ? first : -1;
    }
}
