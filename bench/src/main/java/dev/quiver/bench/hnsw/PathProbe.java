package dev.quiver.bench.hnsw;

import dev.quiver.Config;
import dev.quiver.Database;
import dev.quiver.SearchParams;
import dev.quiver.SearchResult;
import dev.quiver.bench.ann.Dataset;
import dev.quiver.bench.ann.DatasetResolver;
import dev.quiver.internal.hnsw.FrozenGraph;
import dev.quiver.internal.hnsw.FrozenVectors;
import dev.quiver.internal.hnsw.HnswConfig;
import dev.quiver.internal.hnsw.HnswIndex;
import dev.quiver.internal.hnsw.SearchHits;
import dev.quiver.internal.hnsw.SearchMode;
import dev.quiver.internal.hnsw.SegmentGraphBuilder;
import dev.quiver.internal.hnsw.SegmentSearcher;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Where does a search's time go between the layers? Times the same queries through three paths, in alternating
 * rounds (thread CPU per query, median): the frozen graph of the Lucene format ({@link SegmentSearcher}: one flat
 * segment, no seqlock), {@link HnswIndex#search} (chunked slabs, seqlocked lists), and {@link Database#search} (ids,
 * planner, result objects). The frozen graph is built in one batch, the other two in batches of 5,000 as
 * {@code bench/ann} does, so evaluation counts are printed to tell graph differences from path costs.
 *
 * <pre>
 * java ... dev.quiver.bench.hnsw.PathProbe hubness:100000:100 [efs=40,80,160] [rounds=7] [queries=1000]
 * </pre>
 */
public final class PathProbe {

    public static void main(String[] args) throws Exception {
        AlternatingRounds.Args opts = AlternatingRounds.Args.parse(args);
        int[] efs = opts.efs();
        int rounds = opts.rounds();
        Dataset ds = DatasetResolver.resolve(opts.dataset(), null, opts.queries(), 10, 42, 2);
        int n = ds.base().length;
        int dim = ds.dim();
        Arena arena = Arena.ofShared();
        List<AlternatingRounds.Named> paths = new ArrayList<>();
        float[][] queries = ds.queries();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        SegmentGraphBuilder b = new SegmentGraphBuilder(ds.metric(), dim, 16, 200, 42);
        b.build(List.of(ds.base()), null, null, pool, 2);
        pool.shutdown();
        MemorySegment graphSeg = arena.allocate(FrozenGraph.byteSize(n, 16, b.upperRecords()), 64);
        ValueLayout.OfInt intLe = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        long[] at = {0};
        b.writeGraph((values, count) -> {
            MemorySegment.copy(values, 0, graphSeg, intLe, at[0], count);
            at[0] += (long) count * 4;
        });
        ValueLayout.OfFloat floatLe = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        MemorySegment vec = arena.allocate((long) n * dim * 4, 64);
        MemorySegment norms = arena.allocate((long) n * 4, 64);
        for (int i = 0; i < n; i++) {
            MemorySegment.copy(ds.base()[i], 0, vec, floatLe, (long) i * dim * 4, dim);
            norms.setAtIndex(floatLe, i, b.norm(i));
        }
        FrozenGraph g = new FrozenGraph(graphSeg, n, 16, b.entryNode(), b.topLevel(), b.upperRecords());
        SegmentSearcher frozen = new SegmentSearcher(g, new FrozenVectors(vec, norms, dim, n, ds.metric()), 0);
        b.close();
        paths.add(new AlternatingRounds.Named("frozen", (q, ef, work) -> {
            SegmentSearcher.Hits h = frozen.search(queries[q], ef, null, -1, Long.MAX_VALUE);
            work[0] = h.visited();
            return Arrays.copyOf(h.ords(), Math.min(10, h.count()));
        }));
        HnswIndex index = HnswIndex.create(new HnswConfig(dim, ds.metric(), 16, 200, 42, 2));
        for (int from = 0; from < n; from += 5000) {
            index.insertBatch(Arrays.copyOfRange(ds.base(), from, Math.min(n, from + 5000)));
        }
        paths.add(new AlternatingRounds.Named("index", (q, ef, work) -> {
            SearchHits h = index.search(queries[q], 10, ef, null, SearchMode.GRAPH);
            work[0] = h.work().distances();
            return Arrays.copyOf(h.slots(), h.size());
        }));
        Path dir = Files.createTempDirectory("quiver-pathprobe");
        Database db = Database.open(dir.resolve("db"), Config.dim(dim).metric(ds.metric()).m(16).efConstruction(200));
        RunnerSupport.addInBatches(db, ds.base(), 5000);
        paths.add(new AlternatingRounds.Named("database", (q, ef, work) -> {
            List<SearchResult> found = db.search(queries[q], SearchParams.k(10).efSearch(ef));
            int[] out = new int[found.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = Integer.parseInt(found.get(i).id());
            }
            work[0] = -1;
            return out;
        }));
        for (AlternatingRounds.Result r : AlternatingRounds.run(ds.groundTruth(), queries.length, paths, efs,
                rounds)) {
            System.out.printf(Locale.ROOT,
                    "dataset=%s path=%s ef=%d recall@10=%.4f evals=%d cpu_us_per_query_median=%.1f%n", ds.name(),
                    r.name(), r.ef(), r.recall(), r.workPerQuery(), r.cpuUsPerQuery());
        }
        db.close();
        index.close();
    }
}
