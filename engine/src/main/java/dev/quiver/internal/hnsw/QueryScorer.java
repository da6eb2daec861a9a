package dev.quiver.internal.hnsw;

/**
 * Distances from one query to stored slots, ascending = nearer. One instance per query (or per node being
 * linked); implementations read vectors (float32 or SQ8 codes) straight from the slabs.
 */
interface QueryScorer {

    float score(int slot);

    /** {@code out[i] = score(slots[i])} for {@code i < count}, through a bulk kernel; {@code state} lends scratch. */
    void score(int[] slots, int count, float[] out, SearchState state);
}
