package dev.quiver.internal.meta;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The saved form shared by {@link IdMap} and {@link MetadataTable}: per slot, entry {@code i} is the bytes
 * {@code [offsets[i], offsets[i + 1])} of a heap region, both mapped from the generation's file.
 */
final class BaseEntries {

    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private BaseEntries() {
    }

    /**
     * A copy of slot {@code slot}'s entry, or {@code null} when it is empty. Copied straight into the array: going
     * through {@code asSlice(..).toArray(..)} made a heap segment per read on the search path.
     */
    static byte[] copy(MemorySegment offsets, MemorySegment heap, int slot) {
        long from = offsets.get(LONG, (long) slot * 8);
        long to = offsets.get(LONG, (long) slot * 8 + 8);
        if (from == to) {
            return null;
        }
        byte[] bytes = new byte[Math.toIntExact(to - from)];
        MemorySegment.copy(heap, ValueLayout.JAVA_BYTE, from, bytes, 0, bytes.length);
        return bytes;
    }
}
