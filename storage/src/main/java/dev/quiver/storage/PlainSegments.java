package dev.quiver.storage;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Plain native views of mapped file regions, so that every chunk a kernel reads is the same kind of segment. The JDK
 * has one segment class for mapped files and another for other native memory; a slab opened from a file starts with
 * mapped chunks, then gains native ones (records appended after the open, chunks moved into huge pages). Kernels that
 * meet both kinds get type-speculating compiled code that keeps failing: C2 compiled {@code squareDistance8}, hit a
 * profile-predicate trap, recompiled, and trapped again, up to 21 times in a row, while searches ran 10-30x slower
 * (bench/results/session8.md). One kind of segment everywhere leaves nothing to speculate on.
 */
final class PlainSegments {

    private PlainSegments() {
    }

    /**
     * The memory of {@code mapped} as a plain native segment of the same size, alive as long as {@code arena} (which
     * must be the arena that unmaps it); {@code mapped} itself where this module may not call restricted methods
     * ({@code --enable-native-access}), which then leaves slabs with both kinds.
     */
    @SuppressWarnings("restricted") // reinterpret runs only after isNativeAccessEnabled() said yes
    static MemorySegment view(MemorySegment mapped, Arena arena) {
        if (!PlainSegments.class.getModule().isNativeAccessEnabled()) {
            return mapped;
        }
        return MemorySegment.ofAddress(mapped.address()).reinterpret(mapped.byteSize(), arena, null);
    }
}
