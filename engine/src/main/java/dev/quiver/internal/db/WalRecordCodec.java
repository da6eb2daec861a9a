package dev.quiver.internal.db;

import dev.quiver.CorruptDataException;
import dev.quiver.Metric;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Byte layout of the database's write-ahead-log payloads. The log itself (framing, LSN, CRC32C, torn-tail handling)
 * belongs to the storage module; this class only turns one {@link WalRecord} into the payload of one log record and
 * back. The record's type byte is passed to the log beside the payload.
 *
 * <p>Every payload starts with the payload format version, then the type-specific fields. All integers and floats
 * little-endian; strings are UTF-8.
 *
 * <pre>
 * type 1 ADD, type 2 UPSERT (same layout):
 *   u8   version (= 1)
 *   u16  id byte length L, then L bytes UTF-8 id
 *   u32  vector length D, then D x f32
 *   i32  metadata byte length M (-1 = no metadata), then M bytes compact JSON object
 * type 3 UPDATE:
 *   u8   version (= 1)
 *   u16  id byte length L, then L bytes UTF-8 id
 *   u8   flags: bit 0 = vector present, bit 1 = metadata present (other bits must be 0)
 *   [u32 D, D x f32]            when bit 0
 *   [u32 M, M bytes JSON]       when bit 1
 * type 4 DELETE:
 *   u8   version (= 1)
 *   u16  id byte length L, then L bytes UTF-8 id
 * type 5 CREATE (the first record of a new database's log):
 *   u8   version (= 1)
 *   u32  dim
 *   u8   metric: 0 cosine, 1 euclidean, 2 dot product
 *   u32  m
 *   u32  efConstruction
 *   u8   quantize (0/1)
 *   i64  seed
 * </pre>
 *
 * A batch write is several records handed to the log in one append (one force under SYNC); there is no batch record.
 */
public final class WalRecordCodec {

    /** Payload format version; bump it when any layout above changes and keep a decoder for the old one. */
    public static final byte VERSION = 1;

    public static final byte TYPE_ADD = 1;
    public static final byte TYPE_UPSERT = 2;
    public static final byte TYPE_UPDATE = 3;
    public static final byte TYPE_DELETE = 4;
    public static final byte TYPE_CREATE = 5;

    /** Longest id the layout can carry (a u16 length); the API's limit, {@code IdMap.MAX_ID_BYTES}, is lower. */
    public static final int MAX_ID_BYTES = 0xFFFF;

    private static final int FLAG_VECTOR = 1;
    private static final int FLAG_METADATA = 2;

    private WalRecordCodec() {
    }

    /** The payload of {@code record} (without its type byte). */
    public static byte[] encode(WalRecord record) {
        if (record instanceof WalRecord.Create c) {
            ByteBuffer buf = ByteBuffer.allocate(1 + 4 + 1 + 4 + 4 + 1 + 8).order(ByteOrder.LITTLE_ENDIAN);
            buf.put(VERSION).putInt(c.dim()).put((byte) c.metric().ordinal()).putInt(c.m()).putInt(c.efConstruction())
                    .put((byte) (c.quantize() ? 1 : 0)).putLong(c.seed());
            return buf.array();
        }
        WalRecord.Write write = (WalRecord.Write) record;
        byte[] id = write.id().getBytes(StandardCharsets.UTF_8);
        if (id.length > MAX_ID_BYTES) {
            throw new IllegalArgumentException("id longer than " + MAX_ID_BYTES + " bytes");
        }
        int size = 1 + 2 + id.length;
        switch (record) {
            case WalRecord.Put p -> size += 4 + 4 * p.vector().length + 4 + lengthOf(p.metadataJson());
            case WalRecord.Update u -> size += 1 + (u.vector() == null ? 0 : 4 + 4 * u.vector().length)
                    + (u.metadataJson() == null ? 0 : 4 + u.metadataJson().length);
            case WalRecord.Delete d -> { }
            case WalRecord.Create c -> throw new AssertionError();
        }
        ByteBuffer buf = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        buf.put(VERSION);
        buf.putShort((short) id.length);
        buf.put(id);
        switch (record) {
            case WalRecord.Put p -> {
                putVector(buf, p.vector());
                if (p.metadataJson() == null) {
                    buf.putInt(-1);
                } else {
                    buf.putInt(p.metadataJson().length);
                    buf.put(p.metadataJson());
                }
            }
            case WalRecord.Update u -> {
                int flags = (u.vector() != null ? FLAG_VECTOR : 0) | (u.metadataJson() != null ? FLAG_METADATA : 0);
                buf.put((byte) flags);
                if (u.vector() != null) {
                    putVector(buf, u.vector());
                }
                if (u.metadataJson() != null) {
                    buf.putInt(u.metadataJson().length);
                    buf.put(u.metadataJson());
                }
            }
            case WalRecord.Delete d -> { }
            case WalRecord.Create c -> throw new AssertionError();
        }
        assert !buf.hasRemaining();
        return buf.array();
    }

    /**
     * Decodes one payload. The log's checksum already vouched for the bytes, so a payload that does not parse means a
     * writer bug or a foreign file: it is reported, never skipped.
     *
     * @throws CorruptDataException naming {@code source} and the log sequence number
     */
    public static WalRecord decode(byte type, byte[] payload, int off, int len, String source, long lsn) {
        ByteBuffer buf = ByteBuffer.wrap(payload, off, len).slice().order(ByteOrder.LITTLE_ENDIAN);
        try {
            byte version = buf.get();
            if (version != VERSION) {
                throw corrupt(source, lsn, "unsupported record version " + version);
            }
            if (type == TYPE_CREATE) {
                int dim = buf.getInt();
                int metric = buf.get();
                if (metric < 0 || metric >= Metric.values().length) {
                    throw corrupt(source, lsn, "unknown metric " + metric);
                }
                WalRecord create = new WalRecord.Create(dim, Metric.values()[metric], buf.getInt(), buf.getInt(),
                        buf.get() != 0, buf.getLong());
                if (buf.hasRemaining()) {
                    throw corrupt(source, lsn, buf.remaining() + " trailing bytes in a create record");
                }
                return create;
            }
            String id = getString(buf);
            WalRecord record = switch (type) {
                case TYPE_ADD, TYPE_UPSERT -> {
                    float[] vector = getVector(buf);
                    int metaLen = buf.getInt();
                    byte[] meta = metaLen == -1 ? null : getBytes(buf, metaLen);
                    yield new WalRecord.Put(type == TYPE_ADD, id, vector, meta);
                }
                case TYPE_UPDATE -> {
                    int flags = buf.get() & 0xFF;
                    if ((flags & ~(FLAG_VECTOR | FLAG_METADATA)) != 0) {
                        throw corrupt(source, lsn, "unknown update flags " + flags);
                    }
                    float[] vector = (flags & FLAG_VECTOR) != 0 ? getVector(buf) : null;
                    byte[] meta = (flags & FLAG_METADATA) != 0 ? getBytes(buf, buf.getInt()) : null;
                    yield new WalRecord.Update(id, vector, meta);
                }
                case TYPE_DELETE -> new WalRecord.Delete(id);
                default -> throw corrupt(source, lsn, "unknown record type " + type);
            };
            if (buf.hasRemaining()) {
                throw corrupt(source, lsn, buf.remaining() + " trailing bytes in a type " + type + " record");
            }
            return record;
        } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
            throw corrupt(source, lsn, "truncated or malformed type " + type + " record");
        }
    }

    private static int lengthOf(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }

    private static void putVector(ByteBuffer buf, float[] v) {
        buf.putInt(v.length);
        for (float x : v) {
            buf.putFloat(x);
        }
    }

    private static float[] getVector(ByteBuffer buf) {
        int n = buf.getInt();
        if (n < 0 || (long) n * 4 > buf.remaining()) {
            throw new IllegalArgumentException("vector length " + n);
        }
        float[] v = new float[n];
        buf.asFloatBuffer().get(v);
        buf.position(buf.position() + 4 * n);
        return v;
    }

    private static String getString(ByteBuffer buf) {
        int n = buf.getShort() & 0xFFFF;
        byte[] bytes = getBytes(buf, n);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] getBytes(ByteBuffer buf, int n) {
        if (n < 0 || n > buf.remaining()) {
            throw new IllegalArgumentException("length " + n);
        }
        byte[] bytes = new byte[n];
        buf.get(bytes);
        return bytes;
    }

    private static CorruptDataException corrupt(String source, long lsn, String what) {
        return new CorruptDataException("corrupt data: " + source + " record at lsn " + lsn + ": " + what);
    }
}
