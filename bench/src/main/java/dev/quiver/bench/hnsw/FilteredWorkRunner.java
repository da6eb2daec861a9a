package dev.quiver.bench.hnsw;

import dev.quiver.Metric;
import dev.quiver.internal.hnsw.DenseSlotFilter;
import dev.quiver.internal.hnsw.HnswConfig;
import dev.quiver.internal.hnsw.HnswIndex;
import dev.quiver.internal.hnsw.SearchHits;
import dev.quiver.internal.hnsw.SearchMode;
import dev.quiver.internal.hnsw.SearchWork;
import dev.quiver.internal.hnsw.SlotFilter;
import org.roaringbitmap.RoaringBitmap;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Filtered search on wordnet-minilm-384's natural metadata filters: per filter and ef, the work of a k=10 search
 * (nodes expanded, bridges crossed, distances computed, exact fallbacks, from {@link SearchHits#work}), CPU
 * microseconds per query of GRAPH, AUTO and EXACT, and recall@10 against EXACT. Also times GRAPH with the filter
 * answered by a RoaringBitmap {@code contains} (the first round's adapter) against the dense bitset.
 *
 * <pre>java ... dev.quiver.bench.hnsw.FilteredWorkRunner DATASET_DIR filters=pos=v,pos=r,lexfile=37,lexfile=43 efs=10,40,100,200</pre>
 */
public final class FilteredWorkRunner {

    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
    private static final int K = 10;

    /** The first round's adapter: a RoaringBitmap asked per slot. */
    record RoaringFilter(RoaringBitmap bitmap, int count) implements SlotFilter {
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
                int s = it.next();
                if (s >= limit) {
                    break;
                }
                consumer.accept(s);
            }
            return true;
        }
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        String[] filters = args.length > 1 ? args[1].split(",") : new String[] {"pos=v", "pos=r", "lexfile=37",
            "lexfile=43"};
        int[] efs = Arrays.stream((args.length > 2 ? args[2] : "10,40,100,200").split(","))
                .mapToInt(Integer::parseInt).toArray();
        int queryCount = args.length > 3 ? Integer.parseInt(args[3]) : 200;
        float[][] base = HnswRunner.readFvecs(dir.resolve("base.fvecs"), Integer.MAX_VALUE);
        float[][] queries = HnswRunner.readFvecs(dir.resolve("query.fvecs"), queryCount);
        Map<String, RoaringBitmap> sets = readSets(dir.resolve("base.meta.jsonl"), filters);
        long t0 = System.nanoTime();
        try (HnswIndex index = HnswIndex.create(new HnswConfig(base[0].length, Metric.COSINE, 16, 100, 42, 0))) {
            index.insertBatch(base);
            System.out.printf(Locale.ROOT, "build %d: %.1f s%n", base.length, (System.nanoTime() - t0) / 1e9);
            System.out.println("| filter | matches | ef | expanded | bridges | distances | fallbacks | graph us |"
                    + " roaring-graph us | auto us | exact us | graph recall@10 | auto recall@10 |");
            System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
            for (int ef : efs) {
                row(index, "none", null, null, queries, ef, base.length);
            }
            for (Map.Entry<String, RoaringBitmap> e : sets.entrySet()) {
                DenseSlotFilter.Builder b = new DenseSlotFilter.Builder(base.length);
                e.getValue().forEach((org.roaringbitmap.IntConsumer) b::accept);
                DenseSlotFilter dense = b.build();
                RoaringFilter roaring = new RoaringFilter(e.getValue(), e.getValue().getCardinality());
                for (int ef : efs) {
                    row(index, e.getKey(), dense, roaring, queries, ef, base.length);
                }
            }
        }
    }

    private static void row(HnswIndex index, String name, SlotFilter dense, SlotFilter roaring, float[][] queries,
                            int ef, int n) {
        long expanded = 0;
        long bridges = 0;
        long distances = 0;
        int fallbacks = 0;
        double graphRecall = 0;
        double autoRecall = 0;
        for (float[] q : queries) {
            SearchHits exact = index.search(q, K, ef, dense, SearchMode.EXACT);
            SearchHits auto = index.search(q, K, ef, dense, SearchMode.AUTO);
            autoRecall += recall(exact, auto);
            SearchHits graph = index.search(q, K, ef, dense, SearchMode.GRAPH);
            SearchWork w = graph.work();
            expanded += w.expanded();
            bridges += w.bridges();
            distances += w.distances();
            fallbacks += w.exactFallback() ? 1 : 0;
            graphRecall += recall(exact, graph);
        }
        int nq = queries.length;
        double[] g = new double[3];
        double[] r = new double[3];
        double[] a = new double[3];
        double[] x = new double[3];
        for (int round = 0; round < 4; round++) {
            double gt = time(index, queries, ef, dense, SearchMode.GRAPH);
            double rt = roaring == null ? 0 : time(index, queries, ef, roaring, SearchMode.GRAPH);
            double at = time(index, queries, ef, dense, SearchMode.AUTO);
            double xt = time(index, queries, ef, dense, SearchMode.EXACT);
            if (round > 0) {
                g[round - 1] = gt;
                r[round - 1] = rt;
                a[round - 1] = at;
                x[round - 1] = xt;
            }
        }
        System.out.printf(Locale.ROOT, "| %s | %d | %d | %.0f | %.0f | %.0f | %d | %.1f | %.1f | %.1f | %.1f | %.4f | %.4f |%n",
                name, dense == null ? n : dense.estimatedCount(), ef, (double) expanded / nq, (double) bridges / nq,
                (double) distances / nq, fallbacks, RunnerSupport.median(g), RunnerSupport.median(r), RunnerSupport.median(a), RunnerSupport.median(x), graphRecall / nq,
                autoRecall / nq);
    }

    private static double recall(SearchHits truth, SearchHits got) {
        if (truth.size() == 0) {
            return 1;
        }
        int found = 0;
        for (int i = 0; i < truth.size(); i++) {
            for (int j = 0; j < got.size(); j++) {
                if (truth.slots()[i] == got.slots()[j]) {
                    found++;
                    break;
                }
            }
        }
        // Exactly k asked: a short answer loses recall.
        return (double) found / truth.size();
    }


    private static double time(HnswIndex index, float[][] queries, int ef, SlotFilter filter, SearchMode mode) {
        long start = CPU.getCurrentThreadCpuTime();
        for (float[] q : queries) {
            index.search(q, K, ef, filter, mode);
        }
        return (CPU.getCurrentThreadCpuTime() - start) / 1e3 / queries.length;
    }

    static Map<String, RoaringBitmap> readSets(Path meta, String[] filters) throws IOException {
        Map<String, RoaringBitmap> sets = new LinkedHashMap<>();
        List<Pattern> patterns = new ArrayList<>();
        for (String f : filters) {
            String[] kv = f.split("=", 2);
            // Matches "key": "value" or "key": value (numbers), the two shapes in base.meta.jsonl.
            patterns.add(Pattern.compile("\"" + Pattern.quote(kv[0]) + "\":\\s*\"?" + Pattern.quote(kv[1]) + "\"?[,}]"));
            sets.put(f, new RoaringBitmap());
        }
        List<String> lines = Files.readAllLines(meta);
        for (int i = 0; i < lines.size(); i++) {
            for (int p = 0; p < filters.length; p++) {
                Matcher m = patterns.get(p).matcher(lines.get(i));
                if (m.find()) {
                    sets.get(filters[p]).add(i);
                }
            }
        }
        return sets;
    }
}
