package dev.quiver.internal.hnsw;

/**
 * The HNSW neighbour-selection heuristic (Malkov and Yashunin, algorithm 4, as hnswlib and Lucene use it): walk the
 * candidates nearest-first and keep one only if it is nearer to the base node than to every neighbour kept so far.
 * On clustered data this keeps links pointing in different directions (including the long ones between clusters)
 * instead of M links into the same clump, which is what lifts recall over "closest M" (vctrs-behaviour §11.15).
 */
final class NeighborSelector {

    private final VectorStore store;

    NeighborSelector(VectorStore store) {
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
                FloatScorer fromCandidate = new FloatScorer(store, state.vectorA, store.norm(c));
                fromCandidate.score(chosen, kept, state.pairScores, state);
                for (int j = 0; j < kept; j++) {
                    if (state.pairScores[j] < dc) {
                        diverse = false;
                        break;
                    }
                }
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
