package dev.quiver.internal.hnsw;

/**
 * What one beam search of a layer asks for (the role of Lucene's {@code KnnCollector} plus its accept {@code Bits}):
 * the scorer, the layer, the beam width {@code ef}, which reached slots may be collected, whether rejected neighbours
 * are crossed two hops at once, the slots that may be visited, and the work budget after which the walk gives up.
 * The entries to start from are in the caller's {@link SearchState} ({@code candSlots/candScores}).
 *
 * @param capacity   slots that may be visited ({@code [0, capacity)})
 * @param workBudget distances (plus bridges, see {@link GraphSearcher#work}) after which the beam gives up;
 *                   {@link Long#MAX_VALUE} for none
 */
record BeamRequest(QueryScorer scorer, int level, int ef, Acceptance accept, boolean twoHop, int capacity,
                   long workBudget) {

    /**
     * Which slots a beam may collect: live (when the index has tombstones, {@code checkDeleted}), not
     * {@code exclude}, and accepted by {@code filter}. Rejected slots are still expanded, so deletions and filters
     * never cut off a region; with {@code hideExcluded} the excluded slot is not visited at all.
     */
    record Acceptance(SlotFilter filter, int exclude, boolean checkDeleted, boolean hideExcluded) {

        Acceptance {
            if (filter == null) {
                filter = GraphSearcher.ALL_LIVE;
            }
        }

        /** Collects everything but {@code exclude}, which is still expanded when reached. */
        Acceptance(SlotFilter filter, int exclude, boolean checkDeleted) {
            this(filter, exclude, checkDeleted, false);
        }

        /**
         * Every live slot but {@code node}, which is not even visited: the walk cannot use its neighbour list, so
         * searching for the node's own vector is as hard as for a vector the index does not hold (leave-one-out
         * calibration, {@link DefaultEfCalibrator}).
         */
        static Acceptance hiding(int node, boolean checkDeleted) {
            return new Acceptance(GraphSearcher.ALL_LIVE, node, checkDeleted, true);
        }

        /**
         * Every live slot but {@code node} (linking and re-linking a node must not find itself); tombstones are
         * checked only when {@code checkDeleted} (the index holds any).
         */
        static Acceptance liveExcept(int node, boolean checkDeleted) {
            return new Acceptance(GraphSearcher.ALL_LIVE, node, checkDeleted);
        }
    }

    /** The beam of linking: ef = efConstruction, every live slot but the node itself, no filter, no budget. */
    static BeamRequest linking(QueryScorer scorer, int level, int efConstruction, int node, int capacity,
                               boolean checkDeleted) {
        return new BeamRequest(scorer, level, efConstruction, Acceptance.liveExcept(node, checkDeleted), false,
                capacity, Long.MAX_VALUE);
    }
}
