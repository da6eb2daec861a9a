package dev.quiver.internal.db;

import dev.quiver.Filter;
import dev.quiver.SearchParams;
import dev.quiver.SearchResult;
import dev.quiver.internal.hnsw.DenseSlotFilter;
import dev.quiver.internal.hnsw.HnswIndex;
import dev.quiver.internal.hnsw.SearchDefaults;
import dev.quiver.internal.hnsw.SearchHits;
import dev.quiver.internal.hnsw.SearchMode;
import dev.quiver.internal.hnsw.SlotFilter;
import org.roaringbitmap.RoaringBitmap;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Chooses how a search runs.
 *
 * <ul>
 *   <li>No filter: the index's own choice ({@link SearchMode#AUTO}: an exact scan while the collection is small, the
 *       graph beyond), or an exact scan when the caller asks for one.</li>
 *   <li>Filter: resolved once to the exact bitmap of matching live slots, turned into a dense bitset. When the
 *       matches are a small fraction of the records (see {@link #scanExactly}) their vectors are scanned exactly;
 *       otherwise the index chooses by cost ({@link SearchMode#AUTO}): the exact scan of the matches while it costs
 *       less than the expected filtered walk at this ef, else the walk (non-matching nodes are walked, only matching
 *       ones collected), which gives way to the exact scan once it has spent what the scan costs.</li>
 *   <li>Whenever the graph returns fewer than {@code min(k, matches)} results, the search is redone as an exact scan,
 *       so a search returns k results whenever k records match (DEPARTURES.md D3).</li>
 * </ul>
 * {@code maxDistance} is applied last, to the chosen top k.
 *
 * <p>Callers hold the database's shared state lock, so the catalog and filter index do not change underneath.
 */
public final class QueryPlanner {

    /**
     * A filter whose matches hold at most this many float components ({@code matches * dim}) is always scanned
     * exactly. 0: no such shortcut, because the cost-based choice of the index ({@link SearchMode#AUTO}) decides
     * better: after the filtered walk was fixed (bench/results/filtered.md) the walk beat the exact scan on
     * wordnet-minilm-384 at 39% of the records from ef 10 to 100 (13,373 matches, 5.1 M floats: 494 vs 1,046 us per
     * query at ef 100), so a fixed float budget like the first round's 8 M sent broad filters to the slower path.
     */
    static final long EXACT_SCAN_MAX_FLOATS = 0L;
    /** ... and so is one matching at most this fraction of the live records, however large the collection. */
    static final double EXACT_SCAN_MAX_SELECTIVITY = 0.02;
    /** The cut-over in use; tests lower it to drive the graph path on small collections. */
    private static volatile long exactScanMaxFloats = EXACT_SCAN_MAX_FLOATS;
    private static volatile double exactScanMaxSelectivity = EXACT_SCAN_MAX_SELECTIVITY;
    /** How filtered searches past the cut-over run: AUTO (the index's cost model) or, under the test hook, GRAPH. */
    private static volatile SearchMode filteredMode = SearchMode.AUTO;

    private QueryPlanner() {
    }

    /** Whether a filtered search over {@code matches} records scans them exactly whatever the index's estimate. */
    static boolean scanExactly(long matches, int dim, int liveCount) {
        return matches * dim <= exactScanMaxFloats || matches <= liveCount * exactScanMaxSelectivity;
    }

    /**
     * Test hook: sets the cut-over; returns the previous values. (0, 0) sends every filtered search to the graph
     * ({@link SearchMode#GRAPH}, whose walk still gives way to the exact scan past its work budget or when short of
     * k); anything else leaves the choice past the cut-over to the index ({@link SearchMode#AUTO}).
     */
    static double[] setCutover(long maxFloats, double maxSelectivity) {
        double[] previous = {exactScanMaxFloats, exactScanMaxSelectivity};
        exactScanMaxFloats = maxFloats;
        exactScanMaxSelectivity = maxSelectivity;
        filteredMode = maxFloats == 0 && maxSelectivity == 0 ? SearchMode.GRAPH : SearchMode.AUTO;
        return previous;
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
            this.matchFilter = matches == null ? null : denseFilter(matches, index.totalSlots());
            this.params = params;
        }

        public List<SearchResult> search(float[] query) {
            int k = params.k();
            if (k == 0) {
                return List.of();
            }
            // Without an explicit efSearch, the index's calibrated plan: a beam width measured to reach the target
            // recall, or a scan where the graph cannot reach it for less (SearchDefaults). The calibration
            // measures unfiltered walks only, so a filtered one keeps at least vctrs's width.
            SearchDefaults defaults = index.searchDefaults();
            boolean defaulted = params.efSearch() == 0;
            int ef = !defaulted ? params.effectiveEfSearch()
                    : matches == null ? defaults.efFor(k) : Math.max(defaults.efFor(k), params.effectiveEfSearch());
            List<SearchResult> results;
            if (matches == null) {
                // An explicit exact flag scans float32; a default scan plan scans the SQ8 codes and re-ranks the best
                // rerankFor(k) with float32 when calibrated so (float32 when the index holds no codes).
                boolean codeScan = !params.exact() && defaulted && defaults.codeScan();
                SearchMode mode = codeScan ? SearchMode.CODE_SCAN
                        : params.exact() || defaulted && defaults.exact() ? SearchMode.EXACT : SearchMode.AUTO;
                if (codeScan) {
                    ef = defaults.rerankFor(k);
                }
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
                boolean exact = params.exact() || scanExactly(matchCount, index.config().dim(), catalog.size());
                results = resolve(index.search(query, k, ef, matchFilter, exact ? SearchMode.EXACT : filteredMode));
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
            int n = hits.size();
            String[] ids = new String[n];
            byte[][] metadata = new byte[n][];
            catalog.entries(hits.slots(), n, ids, metadata);
            List<SearchResult> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                if (ids[i] != null) {
                    Map<String, Object> meta = exposed(Catalog.decodeMetadata(metadata[i]));
                    out.add(new SearchResult(ids[i], hits.distances()[i], meta));
                }
            }
            return out;
        }
    }

    /** Stored metadata as handed to callers: the stored maps are deeply unmodifiable, so they are shared as is. */
    public static Map<String, Object> exposed(Map<String, Object> stored) {
        return stored;
    }

    /**
     * The match bitmap as a dense bitset: the graph walk tests the filter for every neighbour it meets, and a bitset
     * answers in a shift and a mask where {@code RoaringBitmap.contains} searches a container (the walk was up to 2x
     * slower with it, bench/results/filtered.md). One pass over the matches, once per prepared plan.
     */
    static SlotFilter denseFilter(RoaringBitmap matches, int totalSlots) {
        DenseSlotFilter.Builder dense = new DenseSlotFilter.Builder(totalSlots);
        matches.forEach((org.roaringbitmap.IntConsumer) dense::accept);
        return dense.build();
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
