package dev.quiver.bench.ann;

import dev.quiver.Database;
import dev.quiver.Filter;
import dev.quiver.internal.db.DatabaseCore;
import dev.quiver.internal.hnsw.DenseSlotFilter;
import dev.quiver.internal.hnsw.SearchMode;
import dev.quiver.internal.hnsw.SlotFilter;
import org.roaringbitmap.RoaringBitmap;

import java.lang.reflect.Field;

/**
 * Reads Quiver's own work counter ({@code SearchWork.distances}: vectors scored on every layer, by the graph walk or
 * the exact scan) for one search, through the internals the harness can reach on the class path: the database's
 * core, its index and filter index. The public API has no such counter and gets none for a benchmark's sake.
 * Searches the way {@code QueryPlanner} does for an explicit efSearch (the index's AUTO choice, with the filter
 * resolved to a dense slot set), outside the timed passes.
 */
final class QuiverWork {

    private static final Field CORE;

    static {
        try {
            CORE = Database.class.getDeclaredField("core");
            CORE.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ExceptionInInitializerError("Database no longer holds a DatabaseCore named core: " + e);
        }
    }

    private QuiverWork() {
    }

    /** Distances computed by {@code db}'s search for {@code query} at this k and ef, restricted to {@code filter}. */
    static long distances(Database db, float[] query, int k, int ef, Filter filter) {
        DatabaseCore core;
        try {
            core = (DatabaseCore) CORE.get(db);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read Database.core", e);
        }
        return core.read((index, catalog, filters) -> {
            SlotFilter slots = null;
            if (filter != null) {
                RoaringBitmap matches = filters.matchingSlots(filter, catalog);
                DenseSlotFilter.Builder dense = new DenseSlotFilter.Builder(index.totalSlots());
                matches.forEach((org.roaringbitmap.IntConsumer) dense::accept);
                slots = dense.build();
            }
            return (long) index.search(query, k, ef, slots, SearchMode.AUTO).work().distances();
        });
    }
}
