package dev.quiver.bench.ann;

import io.github.jbellis.jvector.graph.GraphIndexBuilder;
import io.github.jbellis.jvector.graph.GraphSearcher;
import io.github.jbellis.jvector.graph.ImmutableGraphIndex;
import io.github.jbellis.jvector.graph.ListRandomAccessVectorValues;
import io.github.jbellis.jvector.graph.OnHeapGraphIndex;
import io.github.jbellis.jvector.graph.RandomAccessVectorValues;
import io.github.jbellis.jvector.graph.SearchResult;
import io.github.jbellis.jvector.graph.similarity.BuildScoreProvider;
import io.github.jbellis.jvector.graph.similarity.DefaultSearchScoreProvider;
import io.github.jbellis.jvector.util.Bits;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;

/**
 * jvector 4.0.2, set up as reference/peers.md says: {@code GraphIndexBuilder(maxDegree = 2*M (jvector's degree is
 * HNSW's layer-0 degree M0), beamWidth = efConstruction, neighborOverflow 1.2, alpha 1.2, addHierarchy true,
 * refineFinalGraph true)}; searched with {@code GraphSearcher.search(DefaultSearchScoreProvider.exact(q, sim, ravv),
 * k, ef, 0, 0, acceptOrds)}, one searcher per query thread, reused.
 *
 * <p>The builder gets its own two fork-join pools of {@code buildThreads} threads (its defaults are the JVM common
 * pool and a pool of {@code jvector.physical_core_count} threads, which on 2 cores build on one thread). The index
 * stays in memory: there is no open step, and {@link #indexBytes()} is an estimate of the RAM it holds (the graph's
 * own {@code ramBytesUsed()} plus 4 bytes per vector component).
 */
public final class JVectorEngine implements AnnEngine {

    private static final VectorTypeSupport VECTORS = VectorizationProvider.getInstance().getVectorTypeSupport();

    private RandomAccessVectorValues ravv;
    private VectorSimilarityFunction similarity;
    private ImmutableGraphIndex graph;

    @Override
    public String name() {
        return "jvector";
    }

    /** The vectorization provider jvector chose (Panama, native or default), for the report. */
    public static String providerName() {
        return VectorizationProvider.getInstance().getClass().getSimpleName();
    }

    // The explicit constructor is deprecated in 4.0.2 in favour of GraphIndexBuilder.builder(), whose addHierarchy and
    // refineFinalGraph come from JMX/system-property defaults; the explicit form pins the settings peers.md names.
    @SuppressWarnings("deprecation")
    @Override
    public void build(Dataset data, BuildParams params, RowFilter filter, Path dir, Progress progress)
            throws IOException {
        List<VectorFloat<?>> rows = new ArrayList<>(data.base().length);
        for (float[] row : data.base()) {
            rows.add(VECTORS.createFloatVector(row));
        }
        ravv = new ListRandomAccessVectorValues(rows, data.dim());
        similarity = similarity(params.metric());
        ForkJoinPool simdPool = new ForkJoinPool(params.buildThreads());
        ForkJoinPool parallelPool = new ForkJoinPool(params.buildThreads());
        try (GraphIndexBuilder builder = new GraphIndexBuilder(
                BuildScoreProvider.randomAccessScoreProvider(ravv, similarity), data.dim(), 2 * params.m(),
                params.efConstruction(), 1.2f, 1.2f, true, true, simdPool, parallelPool)) {
            graph = builder.build(ravv);
        } finally {
            simdPool.shutdown();
            parallelPool.shutdown();
        }
    }

    @Override
    public void open() {
        // In memory: nothing to open.
    }

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public Searcher newSearcher(RowFilter filter) {
        GraphSearcher searcher = new GraphSearcher(graph);
        Bits accept = filter == null ? Bits.ALL : filter::matches;
        return new Searcher() {
            @Override
            public int[] search(float[] query, int k, int ef) {
                VectorFloat<?> q = VECTORS.createFloatVector(query);
                SearchResult result = searcher.search(DefaultSearchScoreProvider.exact(q, similarity, ravv), k, ef,
                        0f, 0f, accept);
                SearchResult.NodeScore[] nodes = result.getNodes();
                int[] out = new int[nodes.length];
                for (int i = 0; i < nodes.length; i++) {
                    out[i] = nodes[i].node;
                }
                return out;
            }

            @Override
            public long evaluations(float[] query, int k, int ef) {
                VectorFloat<?> q = VECTORS.createFloatVector(query);
                return searcher.search(DefaultSearchScoreProvider.exact(q, similarity, ravv), k, ef, 0f, 0f, accept)
                        .getVisitedCount();
            }

            @Override
            public void close() throws IOException {
                searcher.close();
            }
        };
    }

    @Override
    public long indexBytes() {
        long graphBytes = graph instanceof OnHeapGraphIndex onHeap ? onHeap.ramBytesUsed() : 0;
        return graphBytes + (long) ravv.size() * ravv.dimension() * Float.BYTES;
    }

    static VectorSimilarityFunction similarity(dev.quiver.Metric metric) {
        return switch (metric) {
            case EUCLIDEAN -> VectorSimilarityFunction.EUCLIDEAN;
            case COSINE -> VectorSimilarityFunction.COSINE;
            case DOT_PRODUCT -> VectorSimilarityFunction.DOT_PRODUCT;
        };
    }

    @Override
    public void close() throws IOException {
        if (graph != null) {
            graph.close();
            graph = null;
        }
    }
}
