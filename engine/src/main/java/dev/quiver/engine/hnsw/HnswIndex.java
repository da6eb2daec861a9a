package dev.quiver.engine.hnsw;

/**
 * An HNSW index over off-heap slabs. SKELETON: signatures are final, bodies land next.
 */
public final class HnswIndex implements AutoCloseable {

    private HnswIndex() {
    }

    /** A new, empty index. */
    public static HnswIndex create(HnswConfig cfg) {
        throw new UnsupportedOperationException("HnswIndex.create: implementation in progress");
    }

    public HnswConfig config() {
        throw new UnsupportedOperationException();
    }

    /** Stores {@code vector} (verbatim) in a new slot and links it; thread-safe. Returns the slot. */
    public int insert(float[] vector) {
        throw new UnsupportedOperationException();
    }

    /** Stores the vectors in new consecutive slots (in order) and links them on {@code buildThreads} threads. */
    public int[] insertBatch(float[][] vectors) {
        throw new UnsupportedOperationException();
    }

    /** Replaces the vector of {@code slot} and re-links it; an identical vector is a no-op. */
    public void update(int slot, float[] vector) {
        throw new UnsupportedOperationException();
    }

    /** Tombstones {@code slot}; false if it is out of range or already deleted. */
    public boolean delete(int slot) {
        throw new UnsupportedOperationException();
    }

    public boolean isDeleted(int slot) {
        throw new UnsupportedOperationException();
    }

    /**
     * The {@code k} nearest live (and accepted) slots, nearest first.
     *
     * @param efSearch beam width; the search uses {@code max(efSearch, k)}
     * @param filter   null for all slots
     * @param mode     AUTO, EXACT or GRAPH
     */
    public SearchHits search(float[] q, int k, int efSearch, SlotFilter filter, SearchMode mode) {
        throw new UnsupportedOperationException();
    }

    public float[] vector(int slot) {
        throw new UnsupportedOperationException();
    }

    public void vector(int slot, float[] dst) {
        throw new UnsupportedOperationException();
    }

    /** Slots ever assigned (live + deleted). */
    public int totalSlots() {
        throw new UnsupportedOperationException();
    }

    public int liveCount() {
        throw new UnsupportedOperationException();
    }

    public int deletedCount() {
        throw new UnsupportedOperationException();
    }

    /** Builds the live slots into a new index aside; the caller swaps it in and closes this one. */
    public CompactionResult compact() {
        throw new UnsupportedOperationException();
    }

    /** Trains SQ8 on the live vectors and traverses on codes from now on (re-ranking with float32). */
    public void enableQuantization() {
        throw new UnsupportedOperationException();
    }

    public void disableQuantization() {
        throw new UnsupportedOperationException();
    }

    public boolean isQuantized() {
        throw new UnsupportedOperationException();
    }

    public IndexStats stats() {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() {
        throw new UnsupportedOperationException();
    }
}
