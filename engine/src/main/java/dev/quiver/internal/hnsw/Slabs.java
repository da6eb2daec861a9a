package dev.quiver.internal.hnsw;

import dev.quiver.storage.Slab;

/** Chunk sizing of the index's slabs. */
final class Slabs {

    /**
     * 256 KiB chunks: an empty index costs about 1.5 MiB of zeroed memory over its five slabs instead of 20 MiB with
     * the storage default (4 MiB), which matters for many small collections; growth stays copy-free either way.
     */
    static final long CHUNK_BYTES = 256L << 10;

    private Slabs() {
    }

    static Slab allocate(long strideBytes) {
        return Slab.allocate(strideBytes, Slab.chunkShiftFor(strideBytes, CHUNK_BYTES));
    }
}
