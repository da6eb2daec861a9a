package dev.quiver.internal.db;

import dev.quiver.Filter;
import dev.quiver.internal.filter.InvertedIndex;
import org.roaringbitmap.RoaringBitmap;

import java.util.Map;

/**
 * The database's handle on the inverted metadata index: kept in step with the catalog (same slots, same metadata)
 * and asked for the exact set of live slots a filter matches. Opened from the generation's index file (served in
 * place, see {@link InvertedIndex#readFrom}); rebuilt from the catalog only after compaction.
 */
public final class FilterIndex {

    private volatile InvertedIndex index;

    public FilterIndex() {
        this(new InvertedIndex());
    }

    public FilterIndex(InvertedIndex index) {
        this.index = index;
    }

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

    /** The index behind this handle (to save it). */
    public InvertedIndex index() {
        return index;
    }

    /** Serves from {@code replacement} from now on (after a save reopened it from the new generation). */
    public void replaceWith(InvertedIndex replacement) {
        index = replacement;
    }

    /** Rebuilds from every live slot of {@code catalog} (after compaction renumbered the slots): O(live records). */
    public void rebuild(Catalog catalog) {
        RoaringBitmap live = new RoaringBitmap();
        catalog.forEachLive(live::add);
        index = InvertedIndex.rebuild(live, catalog::metadata);
    }

    /** The exact set of live slots matching {@code filter} (departures 1, 2 and 4 live in the filter module). */
    public RoaringBitmap matchingSlots(Filter filter, Catalog catalog) {
        return index.matchingEncoded(filter, catalog::metadataBytes);
    }
}
