package dev.quiver.internal.hnsw;

/**
 * Which slots a filtered search may return. Rejected slots are still traversed (they keep the graph connected)
 * but never collected.
 */
@FunctionalInterface
public interface SlotFilter {

    /** Whether {@code slot} may be returned. Called from search threads; must be thread-safe and fast. */
    boolean accept(int slot);

    /**
     * How many slots this filter accepts (may include deleted slots), or -1 when unknown. An exact count lets the
     * search choose an exact scan for selective filters and size its beam.
     */
    default int estimatedCount() {
        return -1;
    }

    /** Calls {@code consumer} for every accepted slot below {@code limit}, if the filter can enumerate them
     * faster than testing every slot; returns false (and calls nothing) otherwise. */
    default boolean forEachAccepted(int limit, java.util.function.IntConsumer consumer) {
        return false;
    }
}
