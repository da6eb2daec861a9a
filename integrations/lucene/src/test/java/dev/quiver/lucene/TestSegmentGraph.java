package dev.quiver.lucene;

import dev.quiver.Metric;
import dev.quiver.internal.hnsw.DenseSlotFilter;
import dev.quiver.internal.hnsw.FrozenGraph;
import dev.quiver.internal.hnsw.FrozenVectors;
import dev.quiver.internal.hnsw.SegmentGraphBuilder;
import dev.quiver.internal.hnsw.SegmentSearcher;
import org.apache.lucene.tests.util.LuceneTestCase;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

/**
 * The engine seam the format stands on, without Lucene in between: a graph built by {@link SegmentGraphBuilder},
 * written out, read back as {@link FrozenGraph} + {@link FrozenVectors} and searched by {@link SegmentSearcher},
 * against a brute-force double-precision reference, for odd dimensions, every metric, filters and visit budgets,
 * plus a merge-style build seeded from a frozen graph.
 */
public class TestSegmentGraph extends LuceneTestCase {

    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** A built segment in memory: what the format writes into its data file. */
    private record Frozen(FrozenGraph graph, FrozenVectors vectors) {
    }

    private static Frozen freeze(SegmentGraphBuilder b, List<float[]> vectors, int dim, int m, Metric metric,
                                 Arena arena) throws IOException {
        int n = vectors.size();
        MemorySegment vecs = arena.allocate(Math.max(1, (long) n * dim * 4)).asSlice(0, (long) n * dim * 4);
        MemorySegment norms = arena.allocate(Math.max(1, n * 4L)).asSlice(0, n * 4L);
        for (int i = 0; i < n; i++) {
            MemorySegment.copy(vectors.get(i), 0, vecs, FLOAT, (long) i * dim * 4, dim);
            norms.setAtIndex(FLOAT, i, b.norm(i));
        }
        long bytes = FrozenGraph.byteSize(n, m, b.upperRecords());
        MemorySegment g = arena.allocate(Math.max(1, bytes)).asSlice(0, bytes);
        long[] at = {0};
        b.writeGraph((values, count) -> {
            MemorySegment.copy(values, 0, g, INT, at[0], count);
            at[0] += count * 4L;
        });
        assertEquals("graph bytes written", bytes, at[0]);
        return new Frozen(new FrozenGraph(g, n, m, b.entryNode(), b.topLevel(), b.upperRecords()),
                new FrozenVectors(vecs, norms, dim, n, metric));
    }

    private static double distance(Metric metric, float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0, sq = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
            double d = (double) a[i] - b[i];
            sq += d * d;
        }
        return switch (metric) {
            case EUCLIDEAN -> sq;
            case DOT_PRODUCT -> -dot;
            case COSINE -> na == 0 || nb == 0 ? 1 : 1 - dot / Math.sqrt(na * nb);
        };
    }

    private static int[] exact(Metric metric, List<float[]> vectors, float[] q, int k, int[] accepted) {
        return Arrays.stream(accepted).boxed()
                .sorted(Comparator.comparingDouble((Integer o) -> distance(metric, q, vectors.get(o))))
                .limit(k).mapToInt(Integer::intValue).toArray();
    }

    /**
     * How many of the first 10 hits are among the true 10 nearest, counting a hit at the true 10th distance as
     * correct (low dimensions tie a lot: which of the tied ids the exact sort puts first is arbitrary).
     */
    private static int tieAwareHits(Metric metric, List<float[]> vectors, float[] q, SegmentSearcher.Hits h,
                                    int[] all) {
        int[] truth = exact(metric, vectors, q, 10, all);
        double kth = distance(metric, q, vectors.get(truth[truth.length - 1]));
        int hits = 0;
        for (int i = 0; i < Math.min(10, h.count()); i++) {
            if (distance(metric, q, vectors.get(h.ords()[i])) <= kth + 1e-6 * Math.max(1, Math.abs(kth))) {
                hits++;
            }
        }
        return hits;
    }

    private static List<float[]> data(Random r, int n, int dim) {
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] v = new float[dim];
            for (int j = 0; j < dim; j++) {
                v[j] = (float) r.nextGaussian();
            }
            out.add(v);
        }
        return out;
    }

    public void testSearchMatchesBruteForce() throws IOException {
        long seed = random().nextLong();
        Random r = new Random(seed);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (Arena arena = Arena.ofConfined()) {
            for (int dim : new int[] {1, 3, 7, 17, 33, 100, 129}) {
                Metric metric = Metric.values()[r.nextInt(Metric.values().length)];
                int n = 300 + r.nextInt(700);
                String ctx = "seed=" + seed + " dim=" + dim + " metric=" + metric + " n=" + n;
                List<float[]> vectors = data(r, n, dim);
                try (SegmentGraphBuilder b = new SegmentGraphBuilder(metric, dim, 12, 100, 42)) {
                    b.build(vectors, null, null, pool, 2);
                    Frozen f = freeze(b, vectors, dim, 12, metric, arena);
                    SegmentSearcher graphOnly = new SegmentSearcher(f.graph(), f.vectors(), 0);
                    int[] all = IntStream.range(0, n).toArray();
                    int hits = 0;
                    int walks = 0;
                    for (int qi = 0; qi < 20; qi++) {
                        float[] q = data(r, 1, dim).get(0);
                        SegmentSearcher.Hits h = graphOnly.search(q, 100, null, -1, Long.MAX_VALUE);
                        if (!h.exact()) {
                            walks++; // else the beam reached fewer than ef nodes (dim 1: cosine ties) and fell back
                        }
                        assertFalse(ctx, h.visitLimitReached());
                        assertEquals(ctx, Math.min(100, n), h.count());
                        for (int i = 1; i < h.count(); i++) {
                            assertTrue(ctx + ": ascending", h.distances()[i - 1] <= h.distances()[i]);
                        }
                        for (int i = 0; i < h.count(); i++) {
                            double want = distance(metric, q, vectors.get(h.ords()[i]));
                            assertEquals(ctx + ": distance", want, h.distances()[i], 1e-3 * Math.max(1, Math.abs(want)));
                        }
                        hits += tieAwareHits(metric, vectors, q, h, all);
                    }
                    assertTrue(ctx + ": graph walks " + walks, dim < 3 || walks == 20);
                    // Unclustered Gaussians are the hard case for a graph (high intrinsic dimension at 100+ dims).
                    // One-dimensional dot product is maximum inner product search with every answer at one end of
                    // the line, where the diversity heuristic leaves the extreme nodes few links: over 600 seeded
                    // builds (two threads) recall averaged 0.998, but 10 fell below 0.95 (lowest 0.93), which
                    // failed a CI run once. Those builds get a 0.9 floor; every other case keeps 0.95.
                    int floor = dim == 1 && metric == Metric.DOT_PRODUCT ? 180 : 190;
                    assertTrue(ctx + ": recall " + hits / 200.0, hits >= floor);

                    // A filter accepting ~5%: the answer is exact (scan or fallback), all accepted, correct order.
                    DenseSlotFilter.Builder fb = new DenseSlotFilter.Builder(n);
                    IntStream.range(0, n).filter(i -> i % 20 == 3).forEach(fb);
                    DenseSlotFilter filter = fb.build();
                    int[] accepted = IntStream.range(0, n).filter(i -> i % 20 == 3).toArray();
                    float[] q = data(r, 1, dim).get(0);
                    SegmentSearcher.Hits fh = new SegmentSearcher(f.graph(), f.vectors(), 30)
                            .search(q, 10, filter, accepted.length, Long.MAX_VALUE);
                    int[] want = exact(metric, vectors, q, 10, accepted);
                    assertEquals(ctx, want.length, fh.count());
                    for (int i = 0; i < fh.count(); i++) {
                        assertEquals(ctx + ": accepted", 3, fh.ords()[i] % 20);
                        assertEquals(ctx + ": filtered rank " + i,
                                distance(metric, q, vectors.get(want[i])), fh.distances()[i], 1e-3);
                    }

                    // A visit budget stops the search and says so.
                    SegmentSearcher.Hits limited = graphOnly.search(q, 40, null, -1, 5);
                    assertTrue(ctx + ": limited", limited.visitLimitReached());
                    assertTrue(ctx + ": visited " + limited.visited(), limited.visited() <= 5 + 2L * 12 * 2);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    public void testSeededBuildKeepsTheInitialGraphAndRecall() throws IOException {
        long seed = random().nextLong();
        Random r = new Random(seed);
        int dim = 17;
        Metric metric = Metric.EUCLIDEAN;
        List<float[]> first = data(r, 800, dim);
        List<float[]> more = data(r, 500, dim);
        try (Arena arena = Arena.ofConfined();
             SegmentGraphBuilder b1 = new SegmentGraphBuilder(metric, dim, 8, 64, 42)) {
            b1.build(first, null, null, null, 1);
            Frozen f1 = freeze(b1, first, dim, 8, metric, arena);
            // Merge order: the new vectors interleave with the old ones.
            List<float[]> merged = new ArrayList<>();
            int[] oldToNew = new int[first.size()];
            int a = 0;
            int c = 0;
            while (a < first.size() || c < more.size()) {
                if (c >= more.size() || (a < first.size() && r.nextInt(3) > 0)) {
                    oldToNew[a] = merged.size();
                    merged.add(first.get(a++));
                } else {
                    merged.add(more.get(c++));
                }
            }
            try (SegmentGraphBuilder b2 = new SegmentGraphBuilder(metric, dim, 8, 64, 42)) {
                b2.build(merged, f1.graph(), oldToNew, null, 1);
                Frozen f2 = freeze(b2, merged, dim, 8, metric, arena);
                for (int o = 0; o < first.size(); o += 37) {
                    assertEquals("seed=" + seed + " level of " + o, f1.graph().level(o),
                            f2.graph().level(oldToNew[o]));
                }
                SegmentSearcher s = new SegmentSearcher(f2.graph(), f2.vectors(), 0);
                int[] all = IntStream.range(0, merged.size()).toArray();
                int hits = 0;
                for (int qi = 0; qi < 30; qi++) {
                    float[] q = data(r, 1, dim).get(0);
                    SegmentSearcher.Hits h = s.search(q, 50, null, -1, Long.MAX_VALUE);
                    hits += tieAwareHits(metric, merged, q, h, all);
                }
                assertTrue("seed=" + seed + ": recall " + hits / 300.0, hits >= 291);
            }
        }
    }

    /**
     * Thin lists on tight clusters leave nodes without an in-link after linking (the engine's GraphConnectorTest shows
     * it for the same shapes); the builder connects them, so every node of a segment is reachable on layer 0.
     */
    public void testEveryNodeIsReachableOnLayerZero() throws IOException {
        long seed = random().nextLong();
        Random r = new Random(seed);
        for (int round = 0; round < 6; round++) {
            int dim = 3 + 2 * r.nextInt(10);
            // Every metric twice: dot-product graphs of this shape leave most nodes unreachable before connecting.
            Metric metric = Metric.values()[round % Metric.values().length];
            int n = 400 + r.nextInt(400);
            List<float[]> centres = data(r, 3 + r.nextInt(12), dim);
            List<float[]> vectors = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                float[] c = centres.get(r.nextInt(centres.size()));
                float[] v = new float[dim];
                for (int j = 0; j < dim; j++) {
                    v[j] = c[j] + 0.02f * (float) r.nextGaussian();
                }
                vectors.add(v);
            }
            try (Arena arena = Arena.ofConfined();
                 SegmentGraphBuilder b = new SegmentGraphBuilder(metric, dim, 2, 16, 42)) {
                b.build(vectors, null, null, null, 1);
                FrozenGraph g = freeze(b, vectors, dim, 2, metric, arena).graph();
                boolean[] reached = new boolean[n];
                int[] queue = new int[n];
                int head = 0;
                int tail = 0;
                reached[g.entry()] = true;
                queue[tail++] = g.entry();
                while (head < tail) {
                    for (int s : g.neighbors(queue[head++], 0)) {
                        if (!reached[s]) {
                            reached[s] = true;
                            queue[tail++] = s;
                        }
                    }
                }
                assertEquals("seed=" + seed + " round " + round + " (" + metric + ", dim " + dim + "): reached", n,
                        tail);
            }
        }
    }
}
