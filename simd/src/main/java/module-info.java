module dev.quiver.simd {
    // Optional: without it (no --add-modules jdk.incubator.vector) the scalar kernels run.
    requires static jdk.incubator.vector;
    // Optional: read the JVM's UseFMA flag to decide whether the SIMD kernels use fused multiply-add.
    requires static jdk.management;
    exports dev.quiver.simd;
}
