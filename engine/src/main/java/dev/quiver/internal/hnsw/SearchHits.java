package dev.quiver.internal.hnsw;

/**
 * Result of a search: the first {@code size} entries of {@code slots} and {@code distances}, nearest first
 * (ascending distance), live slots only.
 */
public record SearchHits(int[] slots, float[] distances, int size) {

    static final SearchHits EMPTY = new SearchHits(new int[0], new float[0], 0);

    public static SearchHits empty() {
        return EMPTY;
    }
}
