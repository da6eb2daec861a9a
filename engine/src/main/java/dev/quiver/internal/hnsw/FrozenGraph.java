package dev.quiver.internal.hnsw;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * A read-only HNSW graph in one {@link MemorySegment} (a mapped segment file, or a copy of one), written by
 * {@link SegmentGraphBuilder#writeGraph}. Lists are found by multiplication, as in {@link GraphLayers}, but without
 * the seqlock word: nothing writes a frozen graph.
 *
 * <h2>Layout (little-endian ints)</h2>
 * <ol>
 *   <li>{@code nodes}: 2 ints per node: {@code [level][upperBase]} ({@code upperBase} = index of the node's level-1
 *       record in {@code upper}, or -1).</li>
 *   <li>{@code layer0}: {@code 1 + 2M} ints per node: {@code [count][neighbours...]}, padded.</li>
 *   <li>{@code upper}: {@code 1 + M} ints per record, same shape; levels 1..level of a node are consecutive.</li>
 * </ol>
 * The entry node, top level and record count live outside (in the caller's metadata).
 */
public final class FrozenGraph extends Adjacency {

    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final int NODE_INTS = 2;

    private final MemorySegment seg;
    private final int size;
    private final int m;
    private final int m0;
    private final int entry;
    private final int topLevel;
    private final long layer0Offset;
    private final long upperOffset;
    private final long layer0Stride;
    private final long upperStride;

    /**
     * @param seg          the graph bytes, exactly {@link #byteSize}(size, m, upperRecords) long
     * @param entry        entry node, or -1 when {@code size == 0}
     * @param topLevel     level of the entry node
     * @param upperRecords records in the upper-layer table
     */
    public FrozenGraph(MemorySegment seg, int size, int m, int entry, int topLevel, int upperRecords) {
        if (size < 0 || m < 2 || upperRecords < 0) {
            throw new IllegalArgumentException("bad graph shape: size " + size + ", M " + m + ", upper records "
                    + upperRecords);
        }
        if (seg.byteSize() != byteSize(size, m, upperRecords)) {
            throw new IllegalArgumentException("graph of " + size + " nodes (M " + m + ", " + upperRecords
                    + " upper records) needs " + byteSize(size, m, upperRecords) + " bytes, got " + seg.byteSize());
        }
        if (size > 0 && (entry < 0 || entry >= size || topLevel < 0 || topLevel > HnswConfig.MAX_LEVEL)) {
            throw new IllegalArgumentException("bad entry point " + entry + " at level " + topLevel + " for "
                    + size + " nodes");
        }
        this.seg = seg;
        this.size = size;
        this.m = m;
        this.m0 = 2 * m;
        this.entry = entry;
        this.topLevel = topLevel;
        this.layer0Stride = (1L + m0) * Integer.BYTES;
        this.upperStride = (1L + m) * Integer.BYTES;
        this.layer0Offset = (long) size * NODE_INTS * Integer.BYTES;
        this.upperOffset = layer0Offset + size * layer0Stride;
    }

    /** Bytes a graph of this shape occupies. */
    public static long byteSize(int size, int m, int upperRecords) {
        return (long) size * NODE_INTS * Integer.BYTES + size * (1L + 2L * m) * Integer.BYTES
                + upperRecords * (1L + m) * Integer.BYTES;
    }

    public int size() {
        return size;
    }

    public int m() {
        return m;
    }

    public int entry() {
        return entry;
    }

    public int topLevel() {
        return topLevel;
    }

    public int level(int node) {
        return seg.get(INT, (long) node * NODE_INTS * Integer.BYTES);
    }

    private long recordOffset(int node, int level) {
        if (level == 0) {
            return layer0Offset + node * layer0Stride;
        }
        int base = seg.get(INT, (long) node * NODE_INTS * Integer.BYTES + Integer.BYTES);
        return upperOffset + (base + level - 1L) * upperStride;
    }

    @Override
    int readNeighbors(int slot, int level, int[] dst) {
        long off = recordOffset(slot, level);
        int count = seg.get(INT, off);
        if (count < 0 || count > maxDegree(level)) {
            throw new IllegalStateException("corrupt graph: node " + slot + " has " + count + " neighbours on level "
                    + level);
        }
        MemorySegment.copy(seg, INT, off + Integer.BYTES, dst, 0, count);
        return count;
    }

    /** The neighbours of {@code node} on {@code level} (a copy), for tests and merges. */
    public int[] neighbors(int node, int level) {
        int[] dst = new int[maxDegree(level)];
        return java.util.Arrays.copyOf(dst, readNeighbors(node, level, dst));
    }

    @Override
    int maxDegree(int level) {
        return level == 0 ? m0 : m;
    }

    @Override
    boolean isDeleted(int slot) {
        return false; // Lucene's deletions arrive as accept-docs filters, never as tombstones in the file
    }
}
