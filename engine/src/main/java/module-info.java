/**
 * Quiver's engine: the public API in {@code dev.quiver}; everything under {@code dev.quiver.internal} is internal, with no compatibility promise.
 */
// "module": the qualified export below names dev.quiver.lucene, which is not on the engine's own module path.
@SuppressWarnings("module")
module dev.quiver.engine {
    requires dev.quiver.simd;
    requires dev.quiver.storage;
    requires com.fasterxml.jackson.core;
    requires roaringbitmap;

    exports dev.quiver;
    // The Lucene format builds and searches segment graphs through the HNSW internals (no compatibility promise).
    exports dev.quiver.internal.hnsw to dev.quiver.lucene;
}
