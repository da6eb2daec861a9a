/** A user's modular application: it sees only Quiver's exported API (and the kernel module, to report its path). */
module dev.quiver.modular {
    requires dev.quiver.engine;
    requires dev.quiver.simd;
    exports dev.quiver.modular;
}
