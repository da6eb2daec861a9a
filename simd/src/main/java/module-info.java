module dev.quiver.simd {
    requires static jdk.incubator.vector;
    exports dev.quiver.simd;
}
