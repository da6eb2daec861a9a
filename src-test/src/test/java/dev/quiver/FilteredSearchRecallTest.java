package dev.quiver;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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

    static Path datasets() {
        String override = System.getProperty("quiver.datasets");
        if (override != null) {
            return Path.of(override);
        }
        // Surefire runs in src-test/; the worktree's parent holds shared/.
        for (Path p : new Path[] {Path.of("../shared/datasets"), Path.of("../../shared/datasets")}) {
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        return Path.of("../shared/datasets");
    }

    static float[][] readFvecs(Path file, int limit) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int dim = buf.getInt(0);
        int rows = Math.min(limit, buf.capacity() / (4 + 4 * dim));
        float[][] out = new float[rows][dim];
        for (int r = 0; r < rows; r++) {
            buf.getInt();
            for (int i = 0; i < dim; i++) {
                out[r][i] = buf.getFloat();
            }
        }
        return out;
    }

    @Test
    void filteredRecallAndExactlyKAtFourSelectivities() throws IOException {
        Path dir = datasets().resolve("wordnet-minilm-384");
        Assumptions.assumeTrue(Files.isRegularFile(dir.resolve("base.fvecs")),
                "wordnet-minilm-384 not found under " + datasets().toAbsolutePath() + ": skipped");
        float[][] base = readFvecs(dir.resolve("base.fvecs"), Integer.MAX_VALUE);
        float[][] queries = readFvecs(dir.resolve("query.fvecs"), Integer.getInteger("quiver.recallQueries", 60));
        List<String> lines = Files.readAllLines(dir.resolve("base.meta.jsonl"));
        assertEquals(base.length, lines.size());
        List<String> ids = new ArrayList<>(base.length);
        List<Map<String, Object>> metas = new ArrayList<>(base.length);
        for (int i = 0; i < base.length; i++) {
            Matcher pos = POS.matcher(lines.get(i));
            Matcher lex = LEXFILE.matcher(lines.get(i));
            assertTrue(pos.find() && lex.find(), lines.get(i));
            ids.add("r" + i);
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
            for (Map.Entry<String, Filter> e : filters.entrySet()) {
                long matches = db.count(e.getValue());
                assertTrue(matches >= k, e.getKey() + " matches " + matches);
                double recallSum = 0;
                for (float[] q : queries) {
                    List<SearchResult> got = db.search(q, SearchParams.k(k).filter(e.getValue()));
                    List<SearchResult> truth = db.search(q, SearchParams.k(k).filter(e.getValue()).exact(true));
                    assertEquals(k, got.size(), e.getKey() + ": exactly k results");
                    Set<String> want = new HashSet<>();
                    truth.forEach(r -> want.add(r.id()));
                    long found = got.stream().filter(r -> want.contains(r.id())).count();
                    recallSum += (double) found / k;
                }
                double recall = recallSum / queries.length;
                report.append(e.getKey()).append(": matches ").append(matches).append(", recall@10 ")
                        .append(String.format("%.3f", recall)).append('\n');
                assertTrue(recall >= 0.95, e.getKey() + " recall@10 " + recall);
            }
            System.out.println(report);
        }
    }
}
