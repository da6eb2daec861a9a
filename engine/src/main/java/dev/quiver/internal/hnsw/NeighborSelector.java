package dev.quiver.internal.hnsw;

/**
 * The HNSW neighbour-selection heuristic (Malkov and Yashunin, algorithm 4, as hnswlib and Lucene use it): walk the
 * candidates nearest-first and keep one only if it is nearer to the base node than to every neighbour kept so far.
 * On clustered data this keeps links pointing in different directions (including the long ones between clusters)
 * instead of M links into the same clump, which is what lifts recall over "closest M" (docs/DEPARTURES.md E1).
 */
final class NeighborSelector {

    private final VectorSlabs store;

    NeighborSelector(VectorSlabs store) {
        this.store = store;
    }

    /**
     * Selects up to {@code maxDegree} diverse neighbours from {@code count} candidates sorted ascending by distance to
     * the base ({@code slots}, {@code scores}); writes them to {@code state.chosen/chosenScores} and returns how many.
     * Uses {@code state.vectorA} and {@code state.pairScores}.
     *
     * @param keepPruned top up with the nearest rejected candidates when the heuristic keeps fewer than
     *                   {@code maxDegree} (used when repairing lists, so deletions do not thin the graph out)
     */
    int select(int[] slots, float[] scores, int count, int maxDegree, boolean keepPruned, SearchState state) {
        int kept = 0;
        int[] chosen = state.chosen;
        float[] chosenScores = state.chosenScores;
        for (int i = 0; i < count && kept < maxDegree; i++) {
            int c = slots[i];
            float dc = scores[i];
            boolean diverse = true;
            if (kept > 0) {
                store.read(c, state.vectorA);
                diverse = fartherFromAllKept(c, dc, kept, state);
            }
            if (diverse) {
                chosen[kept] = c;
                chosenScores[kept] = dc;
                kept++;
            } else {
                slots[i] = -1 - c; // remember the rejection for the optional top-up
            }
        }
        if (keepPruned) {
            for (int i = 0; i < count && kept < maxDegree; i++) {
                if (slots[i] < 0) {
                    chosen[kept] = -1 - slots[i];
                    chosenScores[kept] = scores[i];
                    kept++;
                }
            }
        }
        for (int i = 0; i < count; i++) {
            if (slots[i] < 0) {
                slots[i] = -1 - slots[i];
            }
        }
        return kept;
    }

    /**
     * Whether candidate {@code c} (its vector in {@code state.vectorA}, at distance {@code dc} from the base) is
     * nearer to the base than to each of the first {@code kept} chosen neighbours. The kept list is scored in blocks
     * of {@link #BLOCK}, nearest kept first, stopping at the first one nearer to the candidate. Same decision as
     * scoring the whole list; on wordnet-minilm-384 it cut the selection's distance computations from 165 M to 95 M
     * per build (10.7 M candidates checked; bench/results/graph.md).
     */
    private boolean fartherFromAllKept(int c, float dc, int kept, SearchState state) {
        FloatScorer fromCandidate = new FloatScorer(store, state.vectorA, store.norm(c));
        int[] block = state.selectBlock;
        float[] scores = state.pairScores;
        for (int from = 0; from < kept; from += BLOCK) {
            int n = Math.min(BLOCK, kept - from);
            System.arraycopy(state.chosen, from, block, 0, n);
            fromCandidate.score(block, n, scores, state);
            for (int j = 0; j < n; j++) {
                if (scores[j] < dc) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Kept neighbours scored per step of the diversity check: the width of the bulk kernel. */
    static final int BLOCK = 4;

    /** Sorts the first {@code count} entries by ascending score (insertion sort: lists hold at most 2M+1). */
    static void sortByScore(int[] slots, float[] scores, int count) {
        for (int i = 1; i < count; i++) {
            float s = scores[i];
            int v = slots[i];
            int j = i - 1;
            while (j >= 0 && scores[j] > s) {
                scores[j + 1] = scores[j];
                slots[j + 1] = slots[j];
                j--;
            }
            scores[j + 1] = s;
            slots[j + 1] = v;
        }
    }
}
