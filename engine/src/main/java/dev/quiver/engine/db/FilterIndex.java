package dev.quiver.engine.db;

import dev.quiver.Filter;
import dev.quiver.engine.filter.InvertedIndex;
import org.roaringbitmap.RoaringBitmap;

import java.util.Map;

/**
 * The database's handle on the inverted metadata index: kept in step with the catalog (same slots, same metadata)
 * and asked for the exact set of live slots a filter matches. Rebuilt from the catalog after compaction and at open.
 */
public final class FilterIndex {

    private volatile InvertedIndex index = new InvertedIndex();

    public void add(int slot, Map<String, Object> metadata) {
        index.add(slot, metadata);
    }

    /** Removes a slot; {@code metadata} is what it was indexed with. */
    public void remove(int slot, Map<String, Object> metadata) {
        index.remove(slot, metadata);
    }

    public void replace(int slot, Map<String, Object> oldMetadata, Map<String, Object> newMetadata) {
        index.replace(slot, oldMetadata, newMetadata);
    }

    /** Forgets everything (before a rebuild). */
    public void clear() {
        index = new InvertedIndex();
    }

    /** The exact set of live slots matching {@code filter} (departures 1, 2 and 4 live in the filter module). */
    public RoaringBitmap matchingSlots(Filter filter, Catalog catalog) {
        return index.matching(filter, catalog::metadata);
    }
}
