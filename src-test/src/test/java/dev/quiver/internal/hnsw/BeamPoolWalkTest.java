package dev.quiver.internal.hnsw;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.BitSet;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pool walk ({@link BeamPool}) against the two-heap walk it replaced, as the model: on seeded random graphs with
 * tombstones, filters, an excluded node (hidden or walked through), several entries and work budgets, both must
 * collect the same slots at the same distances, expand the same number of nodes, score the same number of
 * candidates and give up at the same point. Scores are random floats, so no two tie: at equal distances the two may
 * order entries differently (see {@link BeamPool}).
 */
class BeamPoolWalkTest {

    /** Points in a few dimensions, each linked to some of its nearest points and to a few random ones. */
    private static final class RandomGraph extends Adjacency {
        final float[][] points;
        final int[][] lists;
        final BitSet deleted = new BitSet();
        final int degree;

        RandomGraph(SplittableRandom rnd, int n, int dim, int degree) {
            this.degree = degree;
            points = new float[n][dim];
            for (float[] p : points) {
                for (int d = 0; d < dim; d++) {
                    p[d] = (float) rnd.nextDouble();
                }
            }
            lists = new int[n][];
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                final int self = i;
                for (int j = 0; j < n; j++) {
                    order[j] = j;
                }
                Arrays.sort(order, (a, b) -> Float.compare(l2(points[self], points[a]), l2(points[self], points[b])));
                int near = rnd.nextInt(degree / 2, degree);
                int far = rnd.nextInt(0, degree - near + 1);
                int[] list = new int[near + far];
                for (int k = 0; k < near; k++) {
                    list[k] = order[k + 1];
                }
                for (int k = near; k < list.length; k++) {
                    list[k] = rnd.nextInt(n);
                }
                lists[i] = list;
            }
        }

        @Override
        int readNeighbors(int slot, int level, int[] dst) {
            System.arraycopy(lists[slot], 0, dst, 0, lists[slot].length);
            return lists[slot].length;
        }

        @Override
        int maxDegree(int level) {
            return degree;
        }

        @Override
        boolean isDeleted(int slot) {
            return deleted.get(slot);
        }
    }

    static float l2(float[] a, float[] b) {
        float s = 0;
        for (int i = 0; i < a.length; i++) {
            float d = a[i] - b[i];
            s += d * d;
        }
        return s;
    }

    private record Scorer(float[][] points, float[] q) implements QueryScorer {
        @Override
        public float score(int slot) {
            return l2(q, points[slot]);
        }

        @Override
        public void score(int[] slots, int count, float[] out, SearchState state) {
            for (int i = 0; i < count; i++) {
                out[i] = score(slots[i]);
            }
        }
    }

    private record Walk(boolean converged, int[] slots, float[] scores, int expanded, int distances) {
    }

    private static Walk walk(GraphSearcher searcher, BeamRequest request, int[] entries, float[] entryScores,
                             SearchState state) {
        state.resetWork();
        System.arraycopy(entries, 0, state.candSlots, 0, entries.length);
        System.arraycopy(entryScores, 0, state.candScores, 0, entries.length);
        boolean converged = searcher.beam(request, entries.length, state);
        int n = state.results.size();
        int[] slots = new int[n];
        float[] scores = new float[n];
        state.results.drainReversed(slots, scores);
        return new Walk(converged, slots, scores, state.expanded, state.distances);
    }

    @Test
    void poolWalksExactlyAsTheHeapsDo() {
        for (long seed = 1; seed <= 40; seed++) {
            SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L);
            int n = rnd.nextInt(50, 700);
            int dim = rnd.nextInt(1, 9);
            int degree = 2 * rnd.nextInt(2, 12);
            RandomGraph graph = new RandomGraph(rnd, n, dim, degree);
            if (rnd.nextBoolean()) {
                int dead = rnd.nextInt(n / 3);
                for (int i = 0; i < dead; i++) {
                    graph.deleted.set(rnd.nextInt(n));
                }
            }
            double acceptRate = rnd.nextDouble();
            BitSet accepted = new BitSet();
            for (int i = 0; i < n; i++) {
                if (rnd.nextDouble() < acceptRate) {
                    accepted.set(i);
                }
            }
            GraphSearcher pool = new GraphSearcher(graph, true);
            GraphSearcher heaps = new GraphSearcher(graph, false);
            SearchState a = new SearchState(dim, degree);
            SearchState b = new SearchState(dim, degree);
            for (int q = 0; q < 25; q++) {
                float[] query = new float[dim];
                for (int d = 0; d < dim; d++) {
                    query[d] = (float) rnd.nextDouble();
                }
                Scorer scorer = new Scorer(graph.points, query);
                int ef = 1 + rnd.nextInt(Math.min(n, 64));
                SlotFilter filter = rnd.nextBoolean() ? GraphSearcher.ALL_LIVE : accepted::get;
                int exclude = rnd.nextInt(4) == 0 ? rnd.nextInt(n) : -1;
                boolean hide = rnd.nextBoolean();
                boolean checkDeleted = !graph.deleted.isEmpty() || rnd.nextBoolean();
                long budget = rnd.nextInt(3) == 0 ? rnd.nextInt(1, 400) : Long.MAX_VALUE;
                BeamRequest request = new BeamRequest(scorer, 0, ef,
                        new BeamRequest.Acceptance(filter, exclude, checkDeleted, hide), false, n, budget);
                int entryCount = 1 + rnd.nextInt(3);
                int[] entries = new int[entryCount];
                float[] entryScores = new float[entryCount];
                for (int e = 0; e < entryCount; e++) {
                    entries[e] = rnd.nextInt(n);
                    entryScores[e] = scorer.score(entries[e]);
                }
                String where = "seed " + seed + ", query " + q + ": n " + n + ", dim " + dim + ", ef " + ef
                        + ", filtered " + (filter != GraphSearcher.ALL_LIVE) + ", exclude " + exclude + " hidden "
                        + hide + ", deleted " + graph.deleted.cardinality() + ", budget " + budget;
                Walk expected = walk(heaps, request, entries, entryScores, b);
                Walk actual = walk(pool, request, entries, entryScores, a);
                assertEquals(expected.converged(), actual.converged(), where);
                assertEquals(expected.expanded(), actual.expanded(), where + ": expanded");
                assertEquals(expected.distances(), actual.distances(), where + ": distances");
                if (expected.converged()) {
                    assertArrayEquals(expected.slots(), actual.slots(), where);
                    assertArrayEquals(expected.scores(), actual.scores(), where);
                    assertTrue(actual.slots().length <= ef, where);
                }
            }
        }
    }
}
