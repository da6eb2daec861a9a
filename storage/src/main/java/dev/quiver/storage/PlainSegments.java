package dev.quiver.storage;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Plain native views of mapped file regions, so that every chunk a kernel reads is the same kind of segment. The JDK
 * has one segment class for mapped files and another for other native memory; a slab opened from a file starts with
 * mapped chunks, then gains native ones (records appended after the open, chunks moved into huge pages). Kernels that
 * meet both kinds get type-speculating compiled code that keeps failing: C2 compiled {@code squareDistance8}, hit a
 * profile-predicate trap, recompiled, and trapped again, up to 21 times in a row, while searches ran 10-30x slower
 * (bench/results/session8.md). One kind of segment everywhere leaves nothing to speculate on. Without native access
 * {@link Slab} reads files into memory rather than hand the kernels mapped-file segments (session10.md).
 */
final class PlainSegments {

    private PlainSegments() {
    }

    /** Whether {@link #view} may be called: this module may call restricted methods (native access). */
    static boolean available() {
        return PlainSegments.class.getModule().isNativeAccessEnabled();
    }

    /**
     * The memory of {@code mapped} as a plain native segment of the same size, alive as long as {@code arena} (which
     * must be the arena that unmaps it). Only where {@link #available()}: without native access {@link Slab} reads a
     * file's records into memory instead of mapping them.
     */
    @SuppressWarnings("restricted") // reinterpret runs only after isNativeAccessEnabled() said yes
    static MemorySegment view(MemorySegment mapped, Arena arena) {
        if (!available()) {
            throw new IllegalStateException("no native access for " + PlainSegments.class.getModule()
                    + ": a mapping cannot be viewed as a plain native segment");
        }
        return MemorySegment.ofAddress(mapped.address()).reinterpret(mapped.byteSize(), arena, null);
    }
}
