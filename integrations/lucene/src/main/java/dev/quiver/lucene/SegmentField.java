package dev.quiver.lucene;

import dev.quiver.internal.hnsw.FrozenGraph;
import dev.quiver.internal.hnsw.FrozenVectors;
import dev.quiver.internal.hnsw.SegmentSearcher;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One float field of an open segment: its metadata, the graph and vectors over the data file's regions, the
 * ordinal-to-doc map (null when ordinal = doc), the searcher, and whether its regions are slices of the mapped file.
 */
record SegmentField(FieldEntry entry, FrozenGraph graph, FrozenVectors vectors, MemorySegment ordToDocMap,
                    SegmentSearcher searcher, boolean mapped) {

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    int size() {
        return entry.size();
    }

    int ordToDoc(int ord) {
        return ordToDocMap == null ? ord : ordToDocMap.getAtIndex(INT, ord);
    }

    /** The ordinal of {@code doc}, or -1 if the doc has no vector in this field. */
    int docToOrd(int doc) {
        if (ordToDocMap == null) {
            return doc < entry.size() ? doc : -1;
        }
        int lo = 0;
        int hi = entry.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int d = ordToDocMap.getAtIndex(INT, mid);
            if (d < doc) {
                lo = mid + 1;
            } else if (d > doc) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        return "SegmentField" + Arrays.asList(entry, graph.size());
    }
}
