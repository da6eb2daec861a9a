package dev.quiver.internal.hnsw;

/** Exact float32 distances of a query to stored vectors. */
final class FloatScorer implements QueryScorer {

    private final VectorSlabs store;
    private final float[] query;
    private final float queryNorm;

    FloatScorer(VectorSlabs store, float[] query) {
        this(store, query, (float) Math.sqrt(dev.quiver.simd.VectorOps.normSquared(query)));
    }

    /**
     * @param query {@code dim} floats, or already zero-padded to {@link VectorSlabs#kernelDim} (the scratch vectors
     *              of {@link SearchState} are, so the linker's per-candidate scorers copy nothing)
     */
    FloatScorer(VectorSlabs store, float[] query, float queryNorm) {
        this.store = store;
        this.query = store.padded(query);
        this.queryNorm = queryNorm;
    }

    @Override
    public float score(int slot) {
        return store.distance(query, queryNorm, slot);
    }

    @Override
    public void score(int[] slots, int count, float[] out, SearchState state) {
        store.distances(query, queryNorm, slots, count, out, state.segs, state.offs, state.norms);
    }
}
