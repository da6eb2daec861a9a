/**
 * Quiver's engine: the public API in {@code dev.quiver}; everything under {@code dev.quiver.internal} is internal, with no compatibility promise.
 */
module dev.quiver.engine {
    requires dev.quiver.simd;
    requires dev.quiver.storage;
    requires com.fasterxml.jackson.core;
    requires roaringbitmap;

    exports dev.quiver;
}
