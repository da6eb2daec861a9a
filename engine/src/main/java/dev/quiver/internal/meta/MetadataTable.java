package dev.quiver.internal.meta;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Slot to encoded metadata ({@link MetadataCodec} bytes, or none).
 *
 * <p>Two layers: a <em>base</em> read from a snapshot file and left where it lies (usually a mapped segment: opening
 * costs a checksum pass, no decoding and no copying), and an on-heap <em>overlay</em> of the slots written since.
 * A slot's overlay entry wins over its base entry; {@link #writeTo} merges both into the next snapshot.
 *
 * <p>Thread-safety: concurrent readers, exclusive writers (a read-write lock inside). The base segment must stay
 * mapped while the store is in use (the caller owns its arena).
 */
public final class MetadataTable {

    /** Marks an overlay slot whose metadata was cleared (distinct from "not in the overlay"). */
    private static final byte[] NONE = new byte[0];

    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** File magic: ASCII "QVMETADT". */
    private static final byte[] MAGIC = "QVMETADT".getBytes(StandardCharsets.US_ASCII);
    /** Format version of {@link #writeTo}; bump when the layout changes. */
    public static final int FORMAT_VERSION = 1;

    private final MemorySegment baseOffsets; // (baseCount + 1) int64, or null
    private final MemorySegment baseHeap;
    private final int baseCount;
    private byte[][] overlay = new byte[0][];
    private int slotCount;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    /** An empty store. */
    public MetadataTable() {
        this(null, null, 0);
    }

    private MetadataTable(MemorySegment baseOffsets, MemorySegment baseHeap, int baseCount) {
        this.baseOffsets = baseOffsets;
        this.baseHeap = baseHeap;
        this.baseCount = baseCount;
        this.slotCount = baseCount;
    }

    /** Number of slots the store spans (one past the highest slot ever written or read from the base). */
    public int slotCount() {
        lock.readLock().lock();
        try {
            return slotCount;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Stores a slot's encoded metadata; {@code null} clears it (a record without metadata, or a deleted slot). */
    public void put(int slot, byte[] encoded) {
        if (slot < 0) {
            throw new IllegalArgumentException("slot must not be negative: " + slot);
        }
        lock.writeLock().lock();
        try {
            if (slot >= overlay.length) {
                overlay = Arrays.copyOf(overlay, Math.max(slot + 1, Math.max(16, overlay.length + (overlay.length >> 1))));
            }
            overlay[slot] = encoded == null ? NONE : encoded;
            slotCount = Math.max(slotCount, slot + 1);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Encodes and stores normalized metadata ({@link MetadataCodec#validate}); {@code null} clears. */
    public void putMetadata(int slot, Map<String, Object> normalized) {
        put(slot, normalized == null ? null : MetadataCodec.encode(normalized));
    }

    /** The slot's encoded metadata, or {@code null} when it has none. */
    public byte[] getBytes(int slot) {
        lock.readLock().lock();
        try {
            return getBytesLocked(slot);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** {@link #getBytes} of {@code slots[0..count)} into {@code out[0..count)}, under one read lock for the batch. */
    public void getBytes(int[] slots, int count, byte[][] out) {
        lock.readLock().lock();
        try {
            for (int i = 0; i < count; i++) {
                out[i] = getBytesLocked(slots[i]);
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    private byte[] getBytesLocked(int slot) {
        if (slot < 0) {
            return null;
        }
        if (slot < overlay.length && overlay[slot] != null) {
            byte[] b = overlay[slot];
            return b == NONE ? null : b;
        }
        return slot < baseCount ? BaseEntries.copy(baseOffsets, baseHeap, slot) : null;
    }

    /** The slot's metadata, decoded into a fresh map (keys sorted), or {@code null} when it has none. */
    public Map<String, Object> get(int slot) {
        byte[] b = getBytes(slot);
        return b == null ? null : MetadataCodec.decode(b);
    }

    /**
     * Writes every slot, merged. Layout (little-endian):
     * <pre>
     *   magic      8 bytes  "QVMETADT"
     *   version    int32    {@value #FORMAT_VERSION}
     *   slotCount  int32    n
     *   heapBytes  int64    h
     *   offsets    (n + 1) x int64: slot i's bytes are heap[offsets[i], offsets[i+1]); an empty range = no metadata
     *              (an empty object is the two bytes "{}"); offsets[0] = 0, non-decreasing, offsets[n] = h
     *   heap       h bytes  compact UTF-8 JSON objects, back to back (MetadataCodec)
     *   crc32c     int32    of every byte above
     * </pre>
     */
    public void writeTo(OutputStream out) throws IOException {
        lock.readLock().lock();
        try {
            int n = slotCount;
            BinaryWriter w = new BinaryWriter(out);
            w.writeBytes(MAGIC);
            w.writeInt(FORMAT_VERSION);
            w.writeInt(n);
            long heapBytes = 0;
            for (int i = 0; i < n; i++) {
                heapBytes += lengthOf(i);
            }
            w.writeLong(heapBytes);
            long off = 0;
            w.writeLong(0);
            for (int i = 0; i < n; i++) {
                off += lengthOf(i);
                w.writeLong(off);
            }
            for (int i = 0; i < n; i++) {
                byte[] b = getBytes(i); // the read lock is reentrant
                if (b != null) {
                    w.writeBytes(b);
                }
            }
            w.writeChecksum();
            w.flush();
        } finally {
            lock.readLock().unlock();
        }
    }

    private long lengthOf(int slot) {
        if (slot < overlay.length && overlay[slot] != null) {
            return overlay[slot].length;
        }
        if (slot < baseCount) {
            return baseOffsets.get(LONG, (long) slot * 8 + 8) - baseOffsets.get(LONG, (long) slot * 8);
        }
        return 0;
    }

    /**
     * Opens a store over a file written by {@link #writeTo}, without copying or decoding records: verifies the
     * checksum and the offsets table (monotone, within the heap), then serves reads from the segment.
     *
     * @param source names the file in error messages
     * @throws dev.quiver.CorruptDataException when the bytes fail any check
     */
    public static MetadataTable open(MemorySegment segment, String source) {
        BinaryReader.verifyChecksum(segment, source);
        BinaryReader r = new BinaryReader(segment.asSlice(0, segment.byteSize() - 4), source);
        r.expectMagic(MAGIC, FORMAT_VERSION);
        int n = r.readLength("slot count", Integer.MAX_VALUE - 1);
        long heapBytes = r.readLong();
        if (heapBytes < 0 || (n + 1L) * 8 > r.remaining() || (n + 1L) * 8 + heapBytes != r.remaining()) {
            throw r.corrupt("section sizes do not add up: " + n + " slots, " + heapBytes + " heap bytes, "
                    + r.remaining() + " bytes left");
        }
        MemorySegment offsets = r.slice((n + 1L) * 8);
        MemorySegment heap = r.slice(heapBytes);
        long prev = 0;
        if (offsets.get(LONG, 0) != 0) {
            throw r.corrupt("first offset is not 0");
        }
        for (int i = 1; i <= n; i++) {
            long o = offsets.get(LONG, (long) i * 8);
            if (o < prev || o > heapBytes) {
                throw r.corrupt("offset of slot " + i + " out of order: " + o);
            }
            prev = o;
        }
        if (prev != heapBytes) {
            throw r.corrupt("last offset " + prev + " is not the heap size " + heapBytes);
        }
        return new MetadataTable(offsets, heap, n);
    }
}
