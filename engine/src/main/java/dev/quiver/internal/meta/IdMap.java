package dev.quiver.internal.meta;

import dev.quiver.InvalidArgumentException;
import org.roaringbitmap.RoaringBitmap;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.ObjIntConsumer;

/**
 * Live ids to slots and back.
 *
 * <p>Order: slots are handed out in ascending order as records are inserted (an upsert of an existing id keeps its
 * slot; {@code compact} renumbers in ascending old-slot order), so ascending slot order is insertion order, and
 * {@link #ids()} lists live ids that way (DEPARTURES.md D10).
 *
 * <p>Ids are non-empty, valid Unicode (no unpaired surrogates, which UTF-8 cannot carry) and at most
 * {@value #MAX_ID_BYTES} bytes in UTF-8.
 *
 * <p>Two layers, like {@link MetadataTable}: a base read from a snapshot and served in place (offsets, UTF-8 heap and
 * an open-addressing hash table of slots, all in the segment, so opening rebuilds nothing), plus an on-heap overlay of
 * ids added since (a hash map and a slot-indexed array) and a bitmap of base slots deleted since.
 *
 * <p>Thread-safety: concurrent readers, exclusive writers (a read-write lock inside).
 */
public final class IdMap {

    /** Longest id accepted, in UTF-8 bytes. */
    public static final int MAX_ID_BYTES = 1024;

    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** File magic: ASCII "QVIDSMAP". */
    private static final byte[] MAGIC = "QVIDSMAP".getBytes(StandardCharsets.US_ASCII);
    /** Format version of {@link #writeTo}; bump when the layout changes. */
    public static final int FORMAT_VERSION = 1;

    // Base layer (from a file); all null / zero for a map that was never written.
    private final MemorySegment baseOffsets;
    private final MemorySegment baseTable;
    private final MemorySegment baseHeap;
    private final int baseCount;
    private final int baseLive;
    private final RoaringBitmap baseDeleted = new RoaringBitmap();

    // Overlay: ids at slots >= baseCount.
    private final Map<String, Integer> added = new HashMap<>();
    private String[] addedBySlot = new String[0];

    private int slotCount;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    /** An empty map. */
    public IdMap() {
        this(null, null, null, 0, 0);
    }

    private IdMap(MemorySegment offsets, MemorySegment table, MemorySegment heap, int baseCount, int baseLive) {
        this.baseOffsets = offsets;
        this.baseTable = table;
        this.baseHeap = heap;
        this.baseCount = baseCount;
        this.baseLive = baseLive;
        this.slotCount = baseCount;
    }

    /**
     * Checks an id against the rules above.
     *
     * @throws InvalidArgumentException naming what is wrong
     */
    public static void validateId(String id) {
        if (id == null || id.isEmpty()) {
            throw new InvalidArgumentException("id must be a non-empty string");
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < id.length() && Character.isLowSurrogate(id.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new InvalidArgumentException("id has an unpaired surrogate at index " + i + ": "
                        + id.substring(0, Math.min(id.length(), 64)));
            }
        }
        int bytes = utf8Length(id);
        if (bytes > MAX_ID_BYTES) {
            throw new InvalidArgumentException("id is " + bytes + " UTF-8 bytes long, the limit is " + MAX_ID_BYTES
                    + ": " + id.substring(0, 64) + "...");
        }
    }

    private static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /** The slot of a live id, or -1. */
    public int slotOf(String id) {
        lock.readLock().lock();
        try {
            return slotOfLocked(id);
        } finally {
            lock.readLock().unlock();
        }
    }

    public boolean contains(String id) {
        return slotOf(id) >= 0;
    }

    private int slotOfLocked(String id) {
        Integer s = added.get(id);
        if (s != null) {
            return s;
        }
        if (baseLive == 0) {
            return -1;
        }
        int slot = probeBase(id.getBytes(StandardCharsets.UTF_8));
        return slot >= 0 && !baseDeleted.contains(slot) ? slot : -1;
    }

    /** Linear probing in the base table; the slot whose stored bytes equal {@code key}, or -1. */
    private int probeBase(byte[] key) {
        int mask = (int) (baseTable.byteSize() / 4) - 1;
        int i = (int) hash(key) & mask;
        MemorySegment keySeg = MemorySegment.ofArray(key);
        while (true) {
            int slot = baseTable.get(INT, (long) i * 4);
            if (slot < 0) {
                return -1;
            }
            long from = baseOffsets.get(LONG, (long) slot * 8);
            long to = baseOffsets.get(LONG, (long) slot * 8 + 8);
            if (to - from == key.length && MemorySegment.mismatch(baseHeap, from, to, keySeg, 0, key.length) < 0) {
                return slot;
            }
            i = (i + 1) & mask;
        }
    }

    /**
     * The table's hash of an id's UTF-8 bytes: 64-bit FNV-1a, then a murmur3 finalizer so the low bits used as the
     * table index depend on every byte. Part of the file format: changing it needs a new format version.
     */
    static long hash(byte[] bytes) {
        long h = 0xcbf29ce484222325L;
        for (byte b : bytes) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h;
    }

    /** The live id at a slot, or {@code null}. */
    public String idOf(int slot) {
        lock.readLock().lock();
        try {
            return idOfLocked(slot);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Whether a live id sits at {@code slot}; unlike {@link #idOf} it builds no string. */
    public boolean isLive(int slot) {
        lock.readLock().lock();
        try {
            if (slot < 0 || slot >= slotCount) {
                return false;
            }
            if (slot < baseCount) {
                return !baseDeleted.contains(slot)
                        && baseOffsets.get(LONG, (long) slot * 8) != baseOffsets.get(LONG, (long) slot * 8 + 8);
            }
            int i = slot - baseCount;
            return i < addedBySlot.length && addedBySlot[i] != null;
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * The ids at {@code slots[0..count)} into {@code out[0..count)}, {@code null} where no live id sits: one read lock
     * for the batch. A search resolves its k hits here; one lock per hit put two atomic writes to the lock's shared
     * word between hits, which also kept the hits' cache misses (offsets, then bytes) from overlapping.
     */
    public void idsOf(int[] slots, int count, String[] out) {
        lock.readLock().lock();
        try {
            for (int i = 0; i < count; i++) {
                out[i] = idOfLocked(slots[i]);
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    private String idOfLocked(int slot) {
        if (slot < 0 || slot >= slotCount) {
            return null;
        }
        if (slot < baseCount) {
            if (baseDeleted.contains(slot)) {
                return null;
            }
            byte[] bytes = BaseEntries.copy(baseOffsets, baseHeap, slot);
            return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
        }
        int i = slot - baseCount;
        return i < addedBySlot.length ? addedBySlot[i] : null;
    }

    /**
     * Maps a new id to a slot that holds no live id and is not a slot of the base (slots are handed out ascending and
     * never reused, so a new record's slot is at or beyond {@link #slotCount()}).
     *
     * @throws IllegalStateException if the id is already live or the slot is taken
     */
    public void put(String id, int slot) {
        lock.writeLock().lock();
        try {
            if (slot < baseCount || (slot < slotCount && idOfLocked(slot) != null)) {
                throw new IllegalStateException("slot " + slot + " is taken (slot count " + slotCount + ")");
            }
            if (slotOfLocked(id) >= 0) {
                throw new IllegalStateException("id '" + id + "' is already live");
            }
            int i = slot - baseCount;
            if (i >= addedBySlot.length) {
                addedBySlot = Arrays.copyOf(addedBySlot, Math.max(i + 1, Math.max(16, addedBySlot.length + (addedBySlot.length >> 1))));
            }
            addedBySlot[i] = id;
            added.put(id, slot);
            slotCount = Math.max(slotCount, slot + 1);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Removes a live id; returns its slot, or -1 if it was not live. */
    public int remove(String id) {
        lock.writeLock().lock();
        try {
            Integer s = added.remove(id);
            if (s != null) {
                addedBySlot[s - baseCount] = null;
                return s;
            }
            int slot = slotOfLocked(id);
            if (slot >= 0) {
                baseDeleted.add(slot);
            }
            return slot;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Number of live ids. */
    public int size() {
        lock.readLock().lock();
        try {
            return baseLive - baseDeleted.getCardinality() + added.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** One past the highest slot ever mapped. */
    public int slotCount() {
        lock.readLock().lock();
        try {
            return slotCount;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Live ids in insertion (ascending slot) order. */
    public List<String> ids() {
        List<String> out = new ArrayList<>(size());
        forEachLive((id, slot) -> out.add(id));
        return out;
    }

    /** Visits live (id, slot) pairs in ascending slot order, under the read lock. */
    public void forEachLive(ObjIntConsumer<String> visitor) {
        lock.readLock().lock();
        try {
            for (int slot = 0; slot < slotCount; slot++) {
                String id = idOfLocked(slot);
                if (id != null) {
                    visitor.accept(id, slot);
                }
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Writes the live ids, merged. Layout (little-endian):
     * <pre>
     *   magic      8 bytes  "QVIDSMAP"
     *   version    int32    {@value #FORMAT_VERSION}
     *   slotCount  int32    n
     *   liveCount  int32    ids in the file
     *   tableSize  int32    t: a power of two at least 2 x liveCount (at least 2)
     *   heapBytes  int64    h
     *   offsets    (n + 1) x int64: slot i's id is heap[offsets[i], offsets[i+1]), empty when the slot has no live id
     *   table      t x int32: slots; -1 empty. An id sits at or after index hash(utf8) & (t - 1), linear probing
     *              ({@link #hash}: FNV-1a 64 then the murmur3 finalizer)
     *   heap       h bytes  UTF-8 ids back to back
     *   crc32c     int32    of every byte above
     * </pre>
     */
    public void writeTo(OutputStream out) throws IOException {
        lock.readLock().lock();
        try {
            int n = slotCount;
            byte[][] ids = new byte[n][];
            int live = 0;
            long heapBytes = 0;
            for (int slot = 0; slot < n; slot++) {
                String id = idOfLocked(slot);
                if (id != null) {
                    ids[slot] = id.getBytes(StandardCharsets.UTF_8);
                    heapBytes += ids[slot].length;
                    live++;
                }
            }
            int tableSize = Math.max(2, Integer.highestOneBit(Math.max(1, live) * 2 - 1) << 1);
            int[] table = new int[tableSize];
            Arrays.fill(table, -1);
            for (int slot = 0; slot < n; slot++) {
                if (ids[slot] != null) {
                    int i = (int) hash(ids[slot]) & (tableSize - 1);
                    while (table[i] >= 0) {
                        i = (i + 1) & (tableSize - 1);
                    }
                    table[i] = slot;
                }
            }
            BinaryWriter w = new BinaryWriter(out);
            w.writeBytes(MAGIC);
            w.writeInt(FORMAT_VERSION);
            w.writeInt(n);
            w.writeInt(live);
            w.writeInt(tableSize);
            w.writeLong(heapBytes);
            long off = 0;
            w.writeLong(0);
            for (int slot = 0; slot < n; slot++) {
                off += ids[slot] == null ? 0 : ids[slot].length;
                w.writeLong(off);
            }
            byte[] tableBytes = new byte[tableSize * 4];
            for (int i = 0; i < tableSize; i++) {
                int v = table[i];
                tableBytes[4 * i] = (byte) v;
                tableBytes[4 * i + 1] = (byte) (v >>> 8);
                tableBytes[4 * i + 2] = (byte) (v >>> 16);
                tableBytes[4 * i + 3] = (byte) (v >>> 24);
            }
            w.writeBytes(tableBytes);
            for (int slot = 0; slot < n; slot++) {
                if (ids[slot] != null) {
                    w.writeBytes(ids[slot]);
                }
            }
            w.writeChecksum();
            w.flush();
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Opens a map over a file written by {@link #writeTo}: verifies the checksum and the offsets, then serves lookups
     * from the segment's hash table; nothing is rebuilt.
     *
     * @param source names the file in error messages
     * @throws dev.quiver.CorruptDataException when the bytes fail any check
     */
    public static IdMap open(MemorySegment segment, String source) {
        BinaryReader.verifyChecksum(segment, source);
        BinaryReader r = new BinaryReader(segment.asSlice(0, segment.byteSize() - 4), source);
        r.expectMagic(MAGIC, FORMAT_VERSION);
        int n = r.readLength("slot count", Integer.MAX_VALUE - 1);
        int live = r.readLength("live count", n);
        int tableSize = r.readLength("table size", 1 << 30);
        if (Integer.bitCount(tableSize) != 1 || tableSize < 2L * live || tableSize < 2) {
            throw r.corrupt("bad table size " + tableSize + " for " + live + " ids");
        }
        long heapBytes = r.readLong();
        if (heapBytes < 0 || (n + 1L) * 8 + tableSize * 4L + heapBytes != r.remaining()) {
            throw r.corrupt("section sizes do not add up: " + n + " slots, table " + tableSize + ", " + heapBytes
                    + " heap bytes, " + r.remaining() + " bytes left");
        }
        MemorySegment offsets = r.slice((n + 1L) * 8);
        MemorySegment table = r.slice(tableSize * 4L);
        MemorySegment heap = r.slice(heapBytes);
        long prev = 0;
        int nonEmpty = 0;
        if (offsets.get(LONG, 0) != 0) {
            throw r.corrupt("first offset is not 0");
        }
        for (int i = 1; i <= n; i++) {
            long o = offsets.get(LONG, (long) i * 8);
            if (o < prev || o - prev > MAX_ID_BYTES) {
                throw r.corrupt("offset of slot " + i + " out of order: " + o);
            }
            if (o != prev) {
                nonEmpty++;
            }
            prev = o;
        }
        if (prev != heapBytes || nonEmpty != live) {
            throw r.corrupt("offsets disagree with the header: " + nonEmpty + " ids, " + prev + " bytes");
        }
        int filled = 0;
        for (int i = 0; i < tableSize; i++) {
            int slot = table.get(INT, (long) i * 4);
            if (slot >= n || slot < -1) {
                throw r.corrupt("table entry " + i + " names slot " + slot + " of " + n);
            }
            if (slot >= 0) {
                filled++;
            }
        }
        if (filled != live) {
            throw r.corrupt("table holds " + filled + " slots, header says " + live);
        }
        return new IdMap(offsets, table, heap, n, live);
    }
}
