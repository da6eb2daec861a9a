package dev.quiver.storage;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Growable array of fixed-stride records made of fixed-size {@link MemorySegment} chunks of {@code 2^chunkShift}
 * records each. Record {@code r} lives in chunk {@code r >>> chunkShift} at byte offset
 * {@code (r & (recordsPerChunk - 1)) * strideBytes}.
 *
 * <p>Growth allocates new chunks and never moves or copies existing ones, so a segment obtained from
 * {@link #chunkFor(int)} stays valid (and keeps seeing writes) for the slab's lifetime. The chunk table is an array
 * published through a volatile field: a reader that sees a capacity also sees every chunk below it. Thread-safety of
 * record <em>contents</em> is the caller's job (see {@link IntRecordSlab} for acquire/release accessors).
 *
 * <p>A slab either starts empty ({@link #allocate}) or starts with the records of a file region ({@link #openPrivate}):
 * slices of a copy-on-write ({@link FileChannel.MapMode#PRIVATE}) mapping of it where the storage module has native
 * access, or of a copy read into memory where it has not. Either way those records can be modified in place while
 * the file stays unchanged, and later chunks are plain off-heap memory.
 *
 * <p>Memory comes from one shared {@link Arena} per slab. {@link #close()} releases it (and the mapping). Later calls
 * on the slab throw {@link ClosedStoreException}; a segment obtained before close and used afterwards throws
 * {@link IllegalStateException} from the FFM runtime: neither ever crashes the JVM. The engine's lifecycle lock keeps
 * readers out while it closes, so in practice neither is seen.
 */
public final class Slab implements AutoCloseable {
    /** Off-heap chunks are aligned to a cache line so records of 64-byte multiples never straddle two lines. */
    private static final long CHUNK_ALIGNMENT = 64;
    /** Marks a closed slab: an empty table makes every index check fail into {@link #closedOrOutOfRange}. */
    private static final MemorySegment[] CLOSED = new MemorySegment[0];
    /** Upper bound on one chunk (1 TiB) so that {@code strideBytes << chunkShift} can never overflow. */
    private static final long MAX_CHUNK_BYTES = 1L << 40;

    private final long strideBytes;
    private final int chunkShift;
    private final long chunkBytes;
    private final Arena arena;
    private final int mappedChunks;
    private final Object growLock = new Object();
    /** Writers take it shared while a move to anonymous memory is pending, the move exclusively per chunk. */
    private final java.util.concurrent.locks.StampedLock writeGuard = new java.util.concurrent.locks.StampedLock();
    /** Set before a move starts (before writers exist), cleared when it ends: later writes skip the guard. */
    private volatile boolean moving;
    /** The chunk table; replaced (never mutated after publication) on growth; {@link #CLOSED} after close. */
    private volatile MemorySegment[] chunks;
    /** The huge-page block that growth past {@code HugePages.MIN_BYTES} slices chunks from (under growLock). */
    private MemorySegment hugeBlock;
    private long hugeBlockUsed;
    /** Bytes of one huge-page block for growth: a few 2 MiB pages, so the alignment slack stays small. */
    private static final long HUGE_BLOCK_BYTES = 16L << 20;

    /** Where the file mapping starts (its chunks are plain native views, {@link PlainSegments}); 0 when none. */
    private final long fileStart;

    private Slab(long strideBytes, int chunkShift, Arena arena, MemorySegment[] initial, int mappedChunks) {
        this.strideBytes = strideBytes;
        this.chunkShift = chunkShift;
        this.chunkBytes = strideBytes << chunkShift;
        this.arena = arena;
        this.chunks = initial;
        this.mappedChunks = mappedChunks;
        this.fileStart = mappedChunks == 0 ? 0 : initial[0].address();
    }

    /** An empty off-heap slab. */
    public static Slab allocate(long strideBytes, int chunkShift) {
        checkGeometry(strideBytes, chunkShift);
        return new Slab(strideBytes, chunkShift, Arena.ofShared(), new MemorySegment[0], 0);
    }

    /**
     * A slab whose first chunks hold {@code regionBytes} of {@code channel} starting at {@code position}, private to
     * the slab: writes to them never reach the file. {@code regionBytes} must be a whole number of chunks (the
     * generation file layout pads the data region so that it is). The channel may be closed once this returns.
     *
     * <p>Where the storage module has native access the chunks are a private (copy-on-write) mapping, handed out as
     * plain native segments ({@link PlainSegments}): the open reads nothing. Without it Quiver calls no restricted
     * method (the JDK would warn, and is to refuse in a later release), so a mapping would stay the JDK's mapped-file
     * segment class while chunks grown later are its plain native class, and kernels that meet both ran 1.2-1.8x
     * slower (bench/results/session10.md). So the region is read into memory from the slab's arena instead, which
     * costs the open a read of the region.
     *
     * @throws CorruptFileException if the file ends before the region does (a private mapping would extend it)
     */
    public static Slab openPrivate(Path file, FileChannel channel, long position, long regionBytes,
                                   long strideBytes, int chunkShift) {
        checkGeometry(strideBytes, chunkShift);
        long chunkBytes = strideBytes << chunkShift;
        if (regionBytes < 0 || regionBytes % chunkBytes != 0) {
            throw new IllegalArgumentException("region of " + regionBytes
                    + " bytes is not a whole number of " + chunkBytes + "-byte chunks in " + file);
        }
        long count = regionBytes / chunkBytes;
        if (count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("too many chunks in " + file + ": " + count);
        }
        boolean map = PlainSegments.available();
        if (count > 0) {
            checkFileHolds(file, channel, position + regionBytes);
        }
        Arena arena = Arena.ofShared();
        MemorySegment[] initial = new MemorySegment[(int) count];
        if (count > 0) {
            try {
                MemorySegment region = map
                        ? PlainSegments.view(FileIo.map(channel, FileChannel.MapMode.PRIVATE, position, regionBytes,
                                arena, file), arena)
                        : readIntoMemory(file, channel, position, regionBytes, arena, READ_PIECE_BYTES);
                for (int i = 0; i < initial.length; i++) {
                    initial[i] = region.asSlice(i * chunkBytes, chunkBytes);
                }
            } catch (IOException e) {
                arena.close();
                throw new StoreIOException(file, map ? "map" : "read", e);
            } catch (RuntimeException e) {
                arena.close();
                throw e;
            }
        }
        return new Slab(strideBytes, chunkShift, arena, initial, map ? initial.length : 0);
    }

    /** Bytes per read of {@link #readIntoMemory}: a byte buffer holds at most 2 GiB. */
    private static final long READ_PIECE_BYTES = 1L << 30;

    /** The file must reach {@code end}: a private mapping past its end would silently grow it with zeros. */
    private static void checkFileHolds(Path file, FileChannel channel, long end) {
        long size;
        try {
            size = channel.size();
        } catch (IOException e) {
            throw new StoreIOException(file, "size", e);
        }
        if (size < end) {
            throw new CorruptFileException(file, "file of " + size + " bytes ends before its record region, which"
                    + " ends at byte " + end);
        }
    }

    /**
     * {@code regionBytes} of {@code channel} from {@code position}, read into cache-line-aligned memory of
     * {@code arena} in reads of at most {@code pieceBytes} (a parameter so that tests can make several).
     */
    static MemorySegment readIntoMemory(Path file, FileChannel channel, long position, long regionBytes, Arena arena,
                                        long pieceBytes) throws IOException {
        FileIo.checkRead(file);
        MemorySegment memory = arena.allocate(regionBytes, CHUNK_ALIGNMENT);
        for (long at = 0; at < regionBytes; at += pieceBytes) {
            long bytes = Math.min(pieceBytes, regionBytes - at);
            FileIo.readFully(channel, memory.asSlice(at, bytes).asByteBuffer(), position + at);
        }
        return memory;
    }

    /**
     * The chunk shift that makes a chunk about {@code targetChunkBytes} (rounded down to a power of two of
     * records, at least one record per chunk and at most 2^24 records).
     */
    public static int chunkShiftFor(long strideBytes, long targetChunkBytes) {
        if (strideBytes <= 0) {
            throw new IllegalArgumentException("strideBytes must be positive: " + strideBytes);
        }
        long records = Math.max(1, targetChunkBytes / strideBytes);
        int shift = 63 - Long.numberOfLeadingZeros(records);
        return Math.min(shift, 24);
    }

    /** A chunk of about 4 MiB: large enough that the chunk table stays tiny, small enough that growth is cheap. */
    public static int defaultChunkShift(long strideBytes) {
        return chunkShiftFor(strideBytes, 4L << 20);
    }

    private static void checkGeometry(long strideBytes, int chunkShift) {
        if (strideBytes <= 0) {
            throw new IllegalArgumentException("strideBytes must be positive: " + strideBytes);
        }
        if (chunkShift < 0 || chunkShift > 30) {
            throw new IllegalArgumentException("chunkShift must be in [0, 30]: " + chunkShift);
        }
        if (strideBytes > (MAX_CHUNK_BYTES >>> chunkShift)) {
            throw new IllegalArgumentException("chunk of 2^" + chunkShift + " records of " + strideBytes
                    + " bytes is too large");
        }
    }

    public long strideBytes() {
        return strideBytes;
    }

    public int recordsPerChunk() {
        return 1 << chunkShift;
    }

    public int chunkShift() {
        return chunkShift;
    }

    /** Bytes per chunk: {@code strideBytes << chunkShift}. */
    public long chunkBytes() {
        return chunkBytes;
    }

    /** Records addressable without growing (a whole number of chunks, capped at {@link Integer#MAX_VALUE}). */
    public int capacity() {
        return capacityOf(table());
    }

    private int capacityOf(MemorySegment[] table) {
        return (int) Math.min(Integer.MAX_VALUE, (long) table.length << chunkShift);
    }

    /**
     * Number of leading chunks mapped from a file at open (the rest are off-heap memory, as are chunks read from a
     * file where the module has no native access); they stay mapped unless {@link #moveMappedToAnonymous} moved them.
     */
    public int mappedChunkCount() {
        return mappedChunks;
    }

    /**
     * Whether chunk {@code i} is still the file's mapping (not yet moved by {@link #moveMappedToAnonymous}). Asked of
     * the address, since mapped chunks are plain native segments like every other chunk.
     */
    public boolean chunkOnFile(int i) {
        if (i < 0 || i >= mappedChunks) {
            return false;
        }
        long address = chunk(i).address();
        return address >= fileStart && address < fileStart + mappedChunks * chunkBytes;
    }

    /** Grows, by whole zero-filled chunks, until at least {@code records} records are addressable. Thread-safe. */
    public void ensureCapacity(int records) {
        if (records < 0) {
            throw new IllegalArgumentException("negative capacity: " + records);
        }
        if (capacityOf(table()) >= records) {
            return;
        }
        synchronized (growLock) {
            MemorySegment[] current = table();
            if (capacityOf(current) >= records) {
                return;
            }
            int needed = (int) (((long) records + (1L << chunkShift) - 1) >>> chunkShift);
            MemorySegment[] grown = Arrays.copyOf(current, needed);
            for (int i = current.length; i < needed; i++) {
                grown[i] = newChunk((long) (i + 1) * chunkBytes);
            }
            chunks = grown; // volatile write publishes the new chunks with their zeroed contents
        }
    }

    /**
     * A zero-filled chunk that brings the slab to {@code bytesAfter}. Past {@code HugePages.MIN_BYTES} (8 MiB) it is
     * sliced from a block advised for transparent huge pages, as vectors mapped from a file are moved to after open:
     * an index built or grown in memory reads its records at random too, and 4 KiB pages cost a TLB miss on most of
     * those reads. Below that size, or where huge pages are not available (no native access, THP off, over the
     * process budget, {@code -Dquiver.hugePages=false}), chunks come from the arena as before. Called under growLock.
     */
    private MemorySegment newChunk(long bytesAfter) {
        if (bytesAfter >= HugePages.MIN_BYTES && HugePages.available()) {
            long at = (hugeBlockUsed + CHUNK_ALIGNMENT - 1) & -CHUNK_ALIGNMENT;
            if (hugeBlock == null || at + chunkBytes > hugeBlock.byteSize()) {
                // Blocks grow with the slab (a quarter of it, up to 1 GiB), so a large slab is a few mappings,
                // not thousands of 16 MiB ones.
                long blockBytes = Math.max(Math.max(HUGE_BLOCK_BYTES, chunkBytes), Math.min(1L << 30, bytesAfter / 4));
                MemorySegment block = HugePages.allocate(blockBytes, arena);
                if (block != null) {
                    hugeBlock = block;
                    at = 0;
                }
            }
            if (hugeBlock != null && at + chunkBytes <= hugeBlock.byteSize()) {
                hugeBlockUsed = at + chunkBytes;
                return hugeBlock.asSlice(at, chunkBytes); // zero-filled: fresh anonymous memory
            }
        }
        return arena.allocate(chunkBytes, CHUNK_ALIGNMENT); // zero-filled by the arena
    }

    /** The chunk segment holding {@code record}; the record starts at {@link #offsetInChunk(int)}. */
    public MemorySegment chunkFor(int record) {
        MemorySegment[] table = chunks;
        int index = record >>> chunkShift;
        if (index >= table.length || record < 0) {
            throw closedOrOutOfRange(record, table);
        }
        return table[index];
    }

    /** Byte offset of {@code record} within its chunk. */
    public long offsetInChunk(int record) {
        return (record & ((1L << chunkShift) - 1)) * strideBytes;
    }

    /** A slice of exactly {@code strideBytes} holding {@code record}. Allocates: not for hot loops. */
    public MemorySegment record(int record) {
        return chunkFor(record).asSlice(offsetInChunk(record), strideBytes);
    }

    public int chunkCount() {
        return table().length;
    }

    public MemorySegment chunk(int i) {
        MemorySegment[] table = table();
        if (i < 0 || i >= table.length) {
            throw new IndexOutOfBoundsException("chunk " + i + " of " + table.length);
        }
        return table[i];
    }

    /**
     * Copies the file-mapped chunks into one anonymous region that may use transparent huge pages ({@code HugePages})
     * and switches them over chunk by chunk; returns false at once, changing nothing, where huge pages are not
     * available or less than {@code HugePages.MIN_BYTES} (8 MiB) is mapped. Meant for a background thread right after
     * open: searches keep reading throughout (a chunk's old and new memory hold the same bytes when the switch is
     * published), record writes made between {@link #beginWrite} and {@link #endWrite} wait for the chunk being
     * copied, and a {@link #close} stops it (returns false). The file is never written, as with the private
     * mapping; the mapping stays reserved until close, its clean pages reclaimable by the kernel.
     *
     * <p>Only {@link #moveMappedToAnonymousInBackground} turns that write guard on, before the slab is shared: a
     * caller running this directly (tests) must keep writers out until it returns.
     */
    public boolean moveMappedToAnonymous() {
        if (!worthMoving()) {
            moving = false;
            return false;
        }
        try {
            MemorySegment region;
            synchronized (growLock) {
                if (chunks == CLOSED) {
                    return false;
                }
                region = HugePages.allocate(mappedChunks * chunkBytes, arena);
            }
            if (region == null) {
                return false;
            }
            for (int i = 0; i < mappedChunks; i++) {
                long stamp = writeGuard.writeLock();
                try {
                    synchronized (growLock) {
                        MemorySegment[] table = chunks;
                        if (table == CLOSED) {
                            return false;
                        }
                        MemorySegment target = region.asSlice(i * chunkBytes, chunkBytes);
                        MemorySegment.copy(table[i], 0, target, 0, chunkBytes);
                        MemorySegment[] moved = table.clone();
                        moved[i] = target;
                        chunks = moved;
                    }
                } finally {
                    writeGuard.unlockWrite(stamp);
                }
            }
            return true;
        } catch (IllegalStateException e) {
            return false; // closed underneath the copy
        } finally {
            moving = false;
        }
    }

    /**
     * Starts {@link #moveMappedToAnonymous} on a daemon thread when it can do anything here; returns whether it
     * started. Call before the slab is shared with writers: from now until the move ends, writes bracketed by
     * {@link #beginWrite}/{@link #endWrite} synchronise with it.
     */
    public boolean moveMappedToAnonymousInBackground() {
        if (!worthMoving()) {
            return false;
        }
        moving = true;
        Thread.ofPlatform().daemon().name("quiver-slab-move").start(this::moveMappedToAnonymous);
        return true;
    }

    /**
     * Below {@code HugePages.MIN_BYTES} (8 MiB) mapped there is nothing to gain (4 KiB pages of that much fit the TLB)
     * and a huge page would take more memory than the slab: many small collections stay as they are.
     */
    private boolean worthMoving() {
        return mappedChunks * chunkBytes >= HugePages.MIN_BYTES && HugePages.available();
    }

    /** Whether a move to anonymous memory is still pending or running. */
    public boolean movePending() {
        return moving;
    }

    /** Brackets an in-place record write; returns a token for {@link #endWrite} (0 when no move is pending). */
    public long beginWrite() {
        return moving ? writeGuard.readLock() : 0L;
    }

    public void endWrite(long token) {
        if (token != 0L) {
            writeGuard.unlockRead(token);
        }
    }

    /** Whether {@link #close()} has been called. */
    public boolean isClosed() {
        return chunks == CLOSED;
    }

    /**
     * Releases the memory and any mapping. Idempotent. If a chunk is in use by an I/O operation at that moment
     * (a save streaming the slab to a file), the FFM runtime refuses to free it: the slab then stays open and a
     * {@link StorageFailure} says so; close it once the save is done.
     */
    @Override
    public void close() {
        synchronized (growLock) {
            MemorySegment[] table = chunks;
            if (table == CLOSED) {
                return;
            }
            chunks = CLOSED;
            try {
                arena.close();
            } catch (IllegalStateException e) {
                chunks = table;
                throw new StorageFailure("slab cannot be closed while an I/O operation uses it", e);
            }
        }
    }

    private MemorySegment[] table() {
        MemorySegment[] table = chunks;
        if (table == CLOSED) {
            throw new ClosedStoreException("slab is closed");
        }
        return table;
    }

    private RuntimeException closedOrOutOfRange(int record, MemorySegment[] table) {
        if (table == CLOSED) {
            return new ClosedStoreException("slab is closed");
        }
        return new IndexOutOfBoundsException("record " + record + " outside slab capacity " + capacityOf(table));
    }
}
