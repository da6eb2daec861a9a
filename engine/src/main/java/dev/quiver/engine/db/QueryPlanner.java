package dev.quiver.engine.db;

import dev.quiver.Filter;
import dev.quiver.SearchParams;
import dev.quiver.SearchResult;
import dev.quiver.engine.hnsw.HnswIndex;
import dev.quiver.engine.hnsw.SearchHits;
import dev.quiver.engine.hnsw.SearchMode;
import dev.quiver.engine.hnsw.SlotFilter;
import org.roaringbitmap.RoaringBitmap;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Chooses how a search runs.
 *
 * <ul>
 *   <li>No filter: the index's own choice ({@link SearchMode#AUTO}: an exact scan while the collection is small, the
 *       graph beyond), or an exact scan when the caller asks for one.</li>
 *   <li>Filter: resolved once to the exact bitmap of matching live slots. When the matches are few (see
 *       {@link #exactScanLimit}) their vectors are scanned exactly, which is both exact and cheaper than a graph walk
 *       that would have to skip the other records; otherwise the graph is traversed with the bitmap as a slot
 *       filter (non-matching nodes are walked, only matching ones collected).</li>
 *   <li>Whenever the graph returns fewer than {@code min(k, matches)} results, the search is redone as an exact scan,
 *       so a search returns k results whenever k records match (departure 3).</li>
 * </ul>
 * {@code maxDistance} is applied last, to the chosen top k.
 *
 * <p>Callers hold the database's shared state lock, so the catalog and filter index do not change underneath.
 */
public final class QueryPlanner {

    /** A filter matching at most this many records is always scanned exactly. */
    static final int EXACT_SCAN_MIN_MATCHES = 2_048;
    /** ... and so is one matching at most this fraction of the live records. */
    static final double EXACT_SCAN_MAX_SELECTIVITY = 0.03;

    private QueryPlanner() {
    }

    /** Matches at or below which a filtered search scans exactly instead of walking the graph. */
    static long exactScanLimit(int liveCount) {
        return Math.max(EXACT_SCAN_MIN_MATCHES, (long) (liveCount * EXACT_SCAN_MAX_SELECTIVITY));
    }

    public static List<SearchResult> search(HnswIndex index, Catalog catalog, FilterIndex filters, float[] query,
                                            SearchParams params) {
        return prepare(index, catalog, filters, params).search(query);
    }

    /** Resolves the filter once, for one or many queries. */
    public static Prepared prepare(HnswIndex index, Catalog catalog, FilterIndex filters, SearchParams params) {
        Filter filter = params.filter();
        RoaringBitmap matches = filter == null || filter instanceof Filter.All ? null
                : filters.matchingSlots(filter, catalog);
        return new Prepared(index, catalog, matches, params);
    }

    /** A search plan whose filter is resolved; thread-safe for concurrent queries. */
    public static final class Prepared {
        private final HnswIndex index;
        private final Catalog catalog;
        private final RoaringBitmap matches;
        private final SlotFilter matchFilter;
        private final SearchParams params;

        Prepared(HnswIndex index, Catalog catalog, RoaringBitmap matches, SearchParams params) {
            this.index = index;
            this.catalog = catalog;
            this.matches = matches;
            this.matchFilter = matches == null ? null : new BitmapSlotFilter(matches);
            this.params = params;
        }

        public List<SearchResult> search(float[] query) {
            int k = params.k();
            int ef = params.effectiveEfSearch();
            if (k == 0) {
                return List.of();
            }
            List<SearchResult> results;
            if (matches == null) {
                SearchMode mode = params.exact() ? SearchMode.EXACT : SearchMode.AUTO;
                results = resolve(index.search(query, k, ef, null, mode));
                int expected = Math.min(k, catalog.size());
                if (results.size() < expected) {
                    // Short: the graph lost some, or linked-but-unpublished slots took places. Scan the live slots.
                    results = resolve(index.search(query, k, ef, new LiveSlotFilter(catalog), SearchMode.EXACT));
                }
            } else {
                long matchCount = matches.getLongCardinality();
                if (matchCount == 0) {
                    return List.of();
                }
                boolean exact = params.exact() || matchCount <= exactScanLimit(catalog.size());
                results = resolve(index.search(query, k, ef, matchFilter, exact ? SearchMode.EXACT : SearchMode.GRAPH));
                if (!exact && results.size() < Math.min(k, matchCount)) {
                    results = resolve(index.search(query, k, ef, matchFilter, SearchMode.EXACT));
                }
            }
            Float maxDistance = params.maxDistance();
            if (maxDistance != null) {
                float max = maxDistance;
                results.removeIf(r -> !(r.distance() <= max));
            }
            return results;
        }

        private List<SearchResult> resolve(SearchHits hits) {
            List<SearchResult> out = new ArrayList<>(hits.size());
            for (int i = 0; i < hits.size(); i++) {
                int slot = hits.slots()[i];
                String id = catalog.idOf(slot);
                if (id != null) {
                    out.add(new SearchResult(id, hits.distances()[i], exposed(catalog.metadata(slot))));
                }
            }
            return out;
        }
    }

    /** Stored metadata as handed to callers: the stored maps are deeply unmodifiable, so they are shared as is. */
    public static Map<String, Object> exposed(Map<String, Object> stored) {
        return stored;
    }

    /** Accepts the slots of an exact match bitmap. */
    static final class BitmapSlotFilter implements SlotFilter {
        private final RoaringBitmap bitmap;
        private final int count;

        BitmapSlotFilter(RoaringBitmap bitmap) {
            this.bitmap = bitmap;
            this.count = bitmap.getCardinality();
        }

        @Override
        public boolean accept(int slot) {
            return bitmap.contains(slot);
        }

        @Override
        public int estimatedCount() {
            return count;
        }

        @Override
        public boolean forEachAccepted(int limit, IntConsumer consumer) {
            var it = bitmap.getIntIterator();
            while (it.hasNext()) {
                int slot = it.next();
                if (slot >= limit) {
                    break;
                }
                consumer.accept(slot);
            }
            return true;
        }
    }

    /** Accepts published live slots only. */
    record LiveSlotFilter(Catalog catalog) implements SlotFilter {
        @Override
        public boolean accept(int slot) {
            return catalog.isLive(slot);
        }

        @Override
        public int estimatedCount() {
            return catalog.size();
        }
    }
}
