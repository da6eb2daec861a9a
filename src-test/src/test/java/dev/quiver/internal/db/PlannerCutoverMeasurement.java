package dev.quiver.internal.db;

import dev.quiver.bench.ann.DatasetResolver;
import dev.quiver.bench.ann.VecsFormat;

import dev.quiver.Metric;
import dev.quiver.internal.hnsw.HnswConfig;
import dev.quiver.internal.hnsw.HnswIndex;
import dev.quiver.internal.hnsw.SearchHits;
import dev.quiver.internal.hnsw.SearchMode;
import dev.quiver.internal.hnsw.SlotFilter;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.roaringbitmap.RoaringBitmap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Not a test (no assertion on time): measures, on wordnet-minilm-384, the filtered-search latency of an exact scan of
 * the matching slots against a filtered graph traversal, per selectivity, to place {@link QueryPlanner}'s cut-over.
 * Run explicitly: {@code -Dtest=PlannerCutoverMeasurement -Dsurefire.failIfNoSpecifiedTests=false}. Results in
 * bench/results/db.md.
 */
class PlannerCutoverMeasurement {

    private static final Pattern POS = Pattern.compile("\"pos\":\\s*\"(\\w+)\"");
    private static final Pattern LEXFILE = Pattern.compile("\"lexfile\":\\s*(\\d+)");

    @Test
    void measureExactVersusGraphPerSelectivity() throws IOException {
        Path dir = datasets().resolve("wordnet-minilm-384");
        Assumptions.assumeTrue(Files.isRegularFile(dir.resolve("base.fvecs")), "wordnet-minilm-384 absent: skipped");
        float[][] base = readFvecs(dir.resolve("base.fvecs"), Integer.MAX_VALUE);
        float[][] queries = readFvecs(dir.resolve("query.fvecs"), 200);
        List<String> lines = Files.readAllLines(dir.resolve("base.meta.jsonl"));
        Map<String, RoaringBitmap> sets = new TreeMap<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher pos = POS.matcher(lines.get(i));
            Matcher lex = LEXFILE.matcher(lines.get(i));
            pos.find();
            lex.find();
            sets.computeIfAbsent("pos=" + pos.group(1), x -> new RoaringBitmap()).add(i);
            sets.computeIfAbsent("lexfile=" + lex.group(1), x -> new RoaringBitmap()).add(i);
        }
        long t0 = System.nanoTime();
        try (HnswIndex index = HnswIndex.create(new HnswConfig(384, Metric.COSINE, 16, 100, 42, 0))) {
            index.insertBatch(base);
            System.out.printf("build %d x 384: %.1f s%n", base.length, (System.nanoTime() - t0) / 1e9);
            System.out.println("| filter | matches | selectivity | exact µs/query | graph µs/query | graph recall@10 |");
            System.out.println("|---|---|---|---|---|---|");
            List<Map.Entry<String, RoaringBitmap>> entries = new ArrayList<>(sets.entrySet());
            entries.sort((a, b) -> Integer.compare(a.getValue().getCardinality(), b.getValue().getCardinality()));
            for (Map.Entry<String, RoaringBitmap> e : entries) {
                RoaringBitmap bm = e.getValue();
                if (bm.getCardinality() < 20) {
                    continue;
                }
                SlotFilter filter = QueryPlanner.denseFilter(bm, index.totalSlots());
                // Warm both paths, then time them alternately over the same queries.
                for (int w = 0; w < 2; w++) {
                    for (float[] q : queries) {
                        index.search(q, 10, 200, filter, SearchMode.EXACT);
                        index.search(q, 10, 200, filter, SearchMode.GRAPH);
                    }
                }
                long exactNs = 0;
                long graphNs = 0;
                double recall = 0;
                for (float[] q : queries) {
                    long a = System.nanoTime();
                    SearchHits exact = index.search(q, 10, 200, filter, SearchMode.EXACT);
                    long b = System.nanoTime();
                    SearchHits graph = index.search(q, 10, 200, filter, SearchMode.GRAPH);
                    long c = System.nanoTime();
                    exactNs += b - a;
                    graphNs += c - b;
                    Set<Integer> truth = new HashSet<>();
                    for (int i = 0; i < exact.size(); i++) {
                        truth.add(exact.slots()[i]);
                    }
                    int found = 0;
                    for (int i = 0; i < graph.size(); i++) {
                        found += truth.contains(graph.slots()[i]) ? 1 : 0;
                    }
                    recall += (double) found / Math.max(1, exact.size());
                }
                System.out.printf("| %s | %d | %.2f%% | %.0f | %.0f | %.3f |%n", e.getKey(), bm.getCardinality(),
                        100.0 * bm.getCardinality() / base.length, exactNs / 1e3 / queries.length,
                        graphNs / 1e3 / queries.length, recall / queries.length);
            }
        }
    }

    /** {@code ../shared/datasets} (or {@code -Dquiver.datasets}); the path may not exist (the test then skips). */
    static Path datasets() {
        Path root = DatasetResolver.datasetsRoot();
        return root != null ? root : Path.of("../shared/datasets");
    }

    static float[][] readFvecs(Path file, int limit) throws IOException {
        return VecsFormat.readFvecs(file, limit);
    }
}
