package dev.quiver.internal.hnsw;

/**
 * Result of a search: the first {@code size} entries of {@code slots} and {@code distances}, nearest first
 * (ascending distance), live slots only; and the work the search did (for tests and benchmarks).
 */
public record SearchHits(int[] slots, float[] distances, int size, SearchWork work) {

    static final SearchHits EMPTY = new SearchHits(new int[0], new float[0], 0, new SearchWork(0, 0, 0, false));

    public static SearchHits empty() {
        return EMPTY;
    }
}
