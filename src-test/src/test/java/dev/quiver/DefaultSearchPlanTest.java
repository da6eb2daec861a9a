package dev.quiver;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The database's default search plan through the public API: saved with the database, {@code targetRecall} steers
 * it, an explicit efSearch always wins, and a default that chose the exact scan answers exactly.
 */
class DefaultSearchPlanTest {

    @TempDir
    Path dir;

    private static List<String> bruteForce(Metric metric, float[][] data, float[] q, int k) {
        return IntStream.range(0, data.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> DbTesting.distance(metric, q, data[i]))
                        .thenComparing(i -> i))
                .limit(k).map(i -> "v" + i).toList();
    }

    private static void fill(Database db, float[][] data) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < data.length; i++) {
            ids.add("v" + i);
        }
        db.addMany(ids, data);
    }

    @Test
    void hardDataDefaultsToTheExactScanWhileAnExplicitEfSearchStillWalksTheGraph() {
        long seed = 21;
        Random rnd = new Random(seed);
        int dim = 100;
        float[][] data = DbTesting.randomVectors(rnd, 3000, dim);
        // Target 1: only the float32 exact scan promises it (below 1 the plan may scan SQ8 codes and re-rank).
        Config cfg = Config.dim(dim).metric(Metric.EUCLIDEAN).m(4).efConstruction(16).buildThreads(2)
                .targetRecall(1.0);
        try (Database db = Database.open(dir.resolve("db"), cfg)) {
            fill(db, data);
            assertEquals(200, db.stats().defaultEfSearch(), "vctrs's default before the first save");
            db.save();
            assertEquals(0, db.stats().defaultEfSearch(), "exact scan chosen, seed " + seed);
            assertEquals(0, db.stats().defaultRerank(), "a float32 scan re-ranks nothing, seed " + seed);
            assertTrue(db.stats().usesBruteForce());
        }
        try (Database db = Database.open(dir.resolve("db"))) {
            assertEquals(0, db.stats().defaultEfSearch(), "persisted with the index");
            int graphMisses = 0;
            for (int i = 0; i < 30; i++) {
                float[] q = DbTesting.randomVector(rnd, dim);
                List<String> truth = bruteForce(Metric.EUCLIDEAN, data, q, 10);
                assertEquals(truth, db.search(q, SearchParams.k(10)).stream().map(SearchResult::id).toList(),
                        "default search answers exactly, query " + i + ", seed " + seed);
                List<String> graph = db.search(q, SearchParams.k(10).efSearch(10)).stream()
                        .map(SearchResult::id).toList();
                graphMisses += (int) truth.stream().filter(id -> !graph.contains(id)).count();
            }
            assertTrue(graphMisses > 0, "explicit efSearch 10 walked the thin graph (it misses some), seed " + seed);
        }
    }

    /** vctrs's benchmark data: uniform in [0, 1). */
    private static float[][] unitCube(Random rnd, int n, int dim) {
        float[][] v = new float[n][dim];
        for (float[] row : v) {
            for (int d = 0; d < dim; d++) {
                row[d] = rnd.nextFloat();
            }
        }
        return v;
    }

    @Test
    void uniformDataDefaultsToTheCodeScanWhichMeetsTheTargetAndSurvivesReopen() {
        long seed = 23;
        Random rnd = new Random(seed);
        int dim = 129;
        float[][] data = unitCube(rnd, 3000, dim);
        float[][] queries = unitCube(rnd, 60, dim);
        float[] late = unitCube(rnd, 1, dim)[0];
        Config cfg = Config.dim(dim).metric(Metric.COSINE).m(4).efConstruction(16).buildThreads(2);
        List<List<String>> answers = new ArrayList<>();
        int rerank;
        try (Database db = Database.open(dir.resolve("db"), cfg)) {
            fill(db, data);
            assertEquals(0, db.stats().memoryQuantizedBytes(), "no codes before the plan asks for them");
            db.save();
            Stats s = db.stats();
            assertEquals(0, s.defaultEfSearch(), "a scan plan, seed " + seed);
            assertTrue(s.defaultRerank() >= 10 && s.defaultRerank() <= data.length,
                    "the code scan re-ranks at least k candidates: " + s);
            rerank = s.defaultRerank();
            assertTrue(s.memoryQuantizedBytes() > 0 && !s.usesQuantizedSearch(),
                    "scan codes are counted, walks stay float32: " + s);
            double recall = 0;
            for (float[] q : queries) {
                List<String> truth = bruteForce(Metric.COSINE, data, q, 10);
                List<String> got = db.search(q, SearchParams.k(10)).stream().map(SearchResult::id).toList();
                answers.add(got);
                recall += got.stream().filter(truth::contains).count() / 10.0;
                assertEquals(truth, db.search(q, SearchParams.k(10).exact(true)).stream().map(SearchResult::id)
                        .toList(), "exact(true) still scans float32, seed " + seed);
            }
            assertTrue(recall / queries.length >= 0.98, "held-out recall " + recall / queries.length + ", seed "
                    + seed);
        }
        try (Database db = Database.open(dir.resolve("db"))) {
            assertEquals(0, db.stats().defaultEfSearch(), "plan persisted");
            assertEquals(rerank, db.stats().defaultRerank(), "re-rank count persisted");
            assertTrue(db.stats().memoryQuantizedBytes() > 0, "scan codes persisted");
            for (int i = 0; i < queries.length; i++) {
                assertEquals(answers.get(i), db.search(queries[i], SearchParams.k(10)).stream()
                        .map(SearchResult::id).toList(), "same answers after reopen, query " + i);
            }
            // Written after the save (saved again at close, where the plan stays): encoded for the scan as written.
            db.add("late", late);
        }
        try (Database db = Database.open(dir.resolve("db"))) {
            assertEquals(0, db.stats().defaultEfSearch());
            assertEquals("late", db.search(late, SearchParams.k(1)).get(0).id(), "a replayed vector is scanned");
        }
    }

    @Test
    void easyDataGetsASmallerBeamThanVctrsDefaultAndAHigherTargetAWiderOne() {
        long seed = 22;
        Random rnd = new Random(seed);
        int dim = 7;
        float[][] data = DbTesting.randomVectors(rnd, 4000, dim);
        int at90;
        try (Database db = Database.open(dir.resolve("db"), Config.dim(dim).metric(Metric.COSINE).buildThreads(2)
                .targetRecall(0.9))) {
            fill(db, data);
            db.save();
            at90 = db.stats().defaultEfSearch();
            assertTrue(at90 > 0 && at90 < 200, "calibrated below vctrs's 200: " + at90 + ", seed " + seed);
        }
        try (Database db = Database.open(dir.resolve("db"), Config.dim(dim).metric(Metric.COSINE).buildThreads(2)
                .targetRecall(0.999))) {
            assertEquals(at90, db.stats().defaultEfSearch(), "the saved plan until the next save");
            db.save();
            assertTrue(db.stats().defaultEfSearch() == 0 || db.stats().defaultEfSearch() > at90,
                    "0.999 needs more than 0.9: " + db.stats().defaultEfSearch());
            double recall = 0;
            for (int i = 0; i < 50; i++) {
                float[] q = DbTesting.randomVector(rnd, dim);
                List<String> truth = bruteForce(Metric.COSINE, data, q, 10);
                List<SearchResult> got = db.search(q, SearchParams.k(10));
                recall += got.stream().filter(r -> truth.contains(r.id())).count() / 10.0;
            }
            assertTrue(recall / 50 >= 0.98, "default recall " + recall / 50 + " for target 0.999, seed " + seed);
        }
    }

    @Test
    void targetRecallOutsideItsRangeIsRejectedByName() {
        for (double bad : new double[] {0, -0.5, 1.01, Double.NaN}) {
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                    () -> Config.dim(3).targetRecall(bad));
            assertTrue(e.getMessage().contains("targetRecall") && e.getMessage().contains(String.valueOf(bad)),
                    e.getMessage());
        }
        assertEquals(1.0, Config.dim(3).targetRecall(1.0).targetRecall());
        assertEquals(Config.DEFAULT_TARGET_RECALL, Config.dim(3).targetRecall());
    }
}
