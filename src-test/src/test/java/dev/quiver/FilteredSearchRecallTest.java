package dev.quiver;

import dev.quiver.bench.ann.DatasetResolver;
import dev.quiver.bench.ann.VecsFormat;

import dev.quiver.internal.db.PlannerOverride;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Filtered search on real embeddings with natural selectivities (wordnet-minilm-384: pos and lexfile metadata):
 * recall@10 against an exact scan of the matching records, and exactly k results every time (departure 3).
 */
class FilteredSearchRecallTest {

    @TempDir
    Path tmp;

    private static final Pattern POS = Pattern.compile("\"pos\":\\s*\"(\\w+)\"");
    private static final Pattern LEXFILE = Pattern.compile("\"lexfile\":\\s*(\\d+)");

    /** {@code ../shared/datasets} (or {@code -Dquiver.datasets}); the path may not exist (the test then skips). */
    static Path datasets() {
        Path root = DatasetResolver.datasetsRoot();
        return root != null ? root : Path.of("../shared/datasets");
    }

    static float[][] readFvecs(Path file, int limit) throws IOException {
        return VecsFormat.readFvecs(file, limit);
    }

    @Test
    void filteredRecallAndExactlyKAtFourSelectivities() throws IOException {
        Path dir = datasets().resolve("wordnet-minilm-384");
        Assumptions.assumeTrue(Files.isRegularFile(dir.resolve("base.fvecs")),
                "wordnet-minilm-384 not found under " + datasets().toAbsolutePath() + ": skipped");
        float[][] all = readFvecs(dir.resolve("base.fvecs"), Integer.MAX_VALUE);
        float[][] queries = readFvecs(dir.resolve("query.fvecs"), Integer.getInteger("quiver.recallQueries", 60));
        List<String> lines = Files.readAllLines(dir.resolve("base.meta.jsonl"));
        assertEquals(all.length, lines.size());
        // Every other record (the file is grouped by part of speech, so a stride keeps the selectivities) halves
        // the build; -Dquiver.recallStride=1 uses all 34,599.
        int stride = Integer.getInteger("quiver.recallStride", 2);
        float[][] base = new float[(all.length + stride - 1) / stride][];
        List<String> ids = new ArrayList<>(base.length);
        List<Map<String, Object>> metas = new ArrayList<>(base.length);
        for (int i = 0, r = 0; r < all.length; i++, r += stride) {
            base[i] = all[r];
            Matcher pos = POS.matcher(lines.get(r));
            Matcher lex = LEXFILE.matcher(lines.get(r));
            assertTrue(pos.find() && lex.find(), lines.get(r));
            ids.add("r" + r);
            metas.add(Map.of("pos", pos.group(1), "lexfile", Integer.parseInt(lex.group(1))));
        }
        int k = 10;
        try (Database db = Database.open(tmp.resolve("wordnet"), Config.dim(384).efConstruction(100))) {
            for (int from = 0; from < base.length; from += 5_000) {
                int to = Math.min(base.length, from + 5_000);
                db.addMany(ids.subList(from, to), java.util.Arrays.copyOfRange(base, from, to), metas.subList(from, to));
            }
            Map<String, Filter> filters = Map.of(
                    "pos=v (~40%)", Filter.eq("pos", "v"),
                    "pos=r (~10%)", Filter.eq("pos", "r"),
                    "lexfile=37 (~1%)", Filter.eq("lexfile", 37),
                    "lexfile=43 (~0.2%)", Filter.eq("lexfile", 43));
            StringBuilder report = new StringBuilder();
            for (boolean graphOnly : new boolean[] {false, true}) {
                PlannerOverride override = graphOnly ? PlannerOverride.graphOnly() : null;
                try {
                    for (Map.Entry<String, Filter> e : filters.entrySet()) {
                        report.append(graphOnly ? "graph " : "planned ").append(e.getKey()).append(": ")
                                .append(checkFilter(db, queries, graphOnly, e.getKey(), e.getValue(), k)).append('\n');
                    }
                } finally {
                    if (override != null) {
                        override.close();
                    }
                }
            }
            System.out.println(report);
        }
    }

    /** Checks exactly-k and recall@k for one filter; returns a report line. */
    private static String checkFilter(Database db, float[][] queries, boolean graphOnly, String name, Filter filter,
                                      int k) {
        long matches = db.count(filter);
        assertTrue(matches >= k, name + " matches " + matches);
        int n = graphOnly ? Math.min(queries.length, 25) : queries.length;
        double recallSum = 0;
        for (int qi = 0; qi < n; qi++) {
            float[] q = queries[qi];
            List<SearchResult> got = db.search(q, SearchParams.k(k).filter(filter));
            List<SearchResult> truth = db.search(q, SearchParams.k(k).filter(filter).exact(true));
            assertEquals(k, got.size(), name + ": exactly k results" + (graphOnly ? " (graph)" : ""));
            Set<String> want = new HashSet<>();
            truth.forEach(r -> want.add(r.id()));
            recallSum += (double) got.stream().filter(r -> want.contains(r.id())).count() / k;
        }
        double recall = recallSum / n;
        assertTrue(recall >= 0.95, name + " recall@10 " + recall + (graphOnly ? " (graph)" : ""));
        return "matches " + matches + ", recall@10 " + String.format("%.3f", recall);
    }
}
