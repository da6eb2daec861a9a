package dev.quiver.internal.hnsw;

/** Exact float32 distances of a query to stored vectors. */
final class FloatScorer implements QueryScorer {

    private final VectorStore store;
    private final float[] query;
    private final float queryNorm;

    FloatScorer(VectorStore store, float[] query) {
        this.store = store;
        this.query = query;
        this.queryNorm = (float) Math.sqrt(dev.quiver.simd.VectorOps.normSquared(query));
    }

    FloatScorer(VectorStore store, float[] query, float queryNorm) {
        this.store = store;
        this.query = query;
        this.queryNorm = queryNorm;
    }

    @Override
    public float score(int slot) {
        return store.distance(query, queryNorm, slot);
    }

    @Override
    public void score(int[] slots, int count, float[] out, SearchState state) {
        store.distances(query, queryNorm, slots, count, out, state.segs, state.offs);
    }
}
