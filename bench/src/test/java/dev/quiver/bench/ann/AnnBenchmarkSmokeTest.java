package dev.quiver.bench.ann;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The harness end to end on a tiny synthetic set, every engine, one pass per ef. */
class AnnBenchmarkSmokeTest {

    static final String ENGINES = "quiver,quiver-sq8,lucene,jvector";

    @TempDir
    Path dir;

    private List<ResultRow> run(String... extra) throws IOException {
        String[] base = {"--dataset", "synthetic:2000:16", "--queries", "20", "--ef", "10,50,200",
                "--min-seconds", "0", "--build-threads", "2", "--engines", ENGINES,
                "--csv", dir.resolve("out.csv").toString(), "--svg", dir.resolve("out.svg").toString(),
                "--work-dir", dir.resolve("work").toString()};
        String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(sink, true, StandardCharsets.UTF_8)) {
            return new AnnBenchmark(BenchmarkArgs.parse(args), out, out).run();
        }
    }

    @Test
    void everyEngineReachesFullRecallAtLargeEfAndTheCsvHasTheAgreedColumns() throws IOException {
        List<ResultRow> rows = run();
        String[] engines = ENGINES.split(",");
        assertEquals(engines.length * 3, rows.size());

        List<String> csv = Files.readAllLines(dir.resolve("out.csv"));
        assertEquals("dataset,engine,m,ef_construction,ef,k,threads,recall,qps,p50_us,p99_us,build_s,open_ms,"
                + "index_bytes,cpu_us,evals_per_query,ns_per_eval", csv.getFirst());
        assertEquals(rows.size() + 1, csv.size());
        for (String line : csv.subList(1, csv.size())) {
            String[] cells = line.split(",", -1);
            assertEquals(17, cells.length, line);
            assertTrue(Double.parseDouble(cells[14]) > 0, "CPU time per query measured: " + line);
            // Every engine here has a counter; a search scores at least k vectors and at most all 2,000 (an exact
            // scan), plus a few on the upper layers.
            double evals = Double.parseDouble(cells[15]);
            assertTrue(evals >= 10 && evals <= 2000 + 200, "evaluations per query counted: " + line);
            assertEquals(Double.parseDouble(cells[14]) * 1e3 / evals, Double.parseDouble(cells[16]),
                    0.05 * Double.parseDouble(cells[16]) + 0.1, "ns per evaluation = CPU / evaluations: " + line);
            assertEquals("synthetic-2000x16", cells[0], line);
            assertEquals("16", cells[2], line);
            assertEquals("200", cells[3], line);
            assertEquals("10", cells[5], line);
            double recall = Double.parseDouble(cells[7]);
            assertTrue(recall >= 0 && recall <= 1, line);
            assertTrue(Double.parseDouble(cells[8]) > 0, line);
            assertTrue(Double.parseDouble(cells[9]) <= Double.parseDouble(cells[10]), "p50 <= p99: " + line);
            assertTrue(Long.parseLong(cells[13]) > 2000L * 16 * 4, "index holds the vectors: " + line);
            assertEquals(cells[1].equals("jvector"), cells[12].isEmpty(), "open_ms empty only in memory: " + line);
        }
        for (String engine : engines) {
            List<ResultRow> byEf = rows.stream().filter(r -> r.engine().equals(engine)).toList();
            for (int i = 1; i < byEf.size(); i++) {
                assertTrue(byEf.get(i).evalsPerQuery() >= byEf.get(i - 1).evalsPerQuery(),
                        engine + ": a wider beam scores no fewer vectors: " + byEf);
            }
            ResultRow atLargeEf = rows.stream().filter(r -> r.engine().equals(engine) && r.ef() == 200)
                    .findFirst().orElseThrow();
            assertTrue(atLargeEf.recall() >= 0.99, engine + " recall at ef=200: " + atLargeEf.recall());
        }

        String svg = Files.readString(dir.resolve("out.svg"));
        assertTrue(svg.startsWith("<svg"), svg.substring(0, 40));
        assertTrue(svg.trim().endsWith("</svg>"));
        assertEquals(engines.length, svg.split("<polyline", -1).length - 1, "one line per engine");
        for (String engine : engines) {
            assertTrue(svg.contains(">" + engine + "</text>"), "legend names " + engine);
        }
    }

    @Test
    void theBuildReportSplitsQuiversBuildIntoIndexAndSave() throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(sink, true, StandardCharsets.UTF_8)) {
            new AnnBenchmark(BenchmarkArgs.parse("--dataset", "synthetic:2000:16", "--queries", "20", "--ef", "10",
                    "--min-seconds", "0", "--build-threads", "2", "--engines", "quiver,lucene"), out, out).run();
        }
        String output = sink.toString(StandardCharsets.UTF_8);
        List<String> lines = output.lines().toList();
        int header = lines.indexOf(lines.stream().filter(l -> l.startsWith("engine") && l.contains("index s"))
                .findFirst().orElseThrow(() -> new AssertionError("no build table in:\n" + output)));
        String[] quiver = lines.get(header + 1).trim().split("\\s+");
        assertEquals("quiver", quiver[0], output);
        double build = Double.parseDouble(quiver[1]);
        double index = Double.parseDouble(quiver[2]);
        double save = Double.parseDouble(quiver[3]);
        assertTrue(index > 0 && save > 0, "both phases timed: " + lines.get(header + 1));
        assertEquals(build, index + save, 0.002 + 0.05 * build, "index + save is the build: " + lines.get(header + 1));
        assertTrue(Double.parseDouble(quiver[4]) > 0, "CPU time measured: " + lines.get(header + 1));
        String[] lucene = lines.get(header + 2).trim().split("\\s+");
        assertEquals("lucene", lucene[0], output);
        assertEquals("-", lucene[2], "an engine without a split shows '-': " + lines.get(header + 2));
    }

    @Test
    void filteredRunOverTwoRoundsScoresAgainstFilteredTruth() throws IOException {
        List<ResultRow> rows = run("--filter", "parity=even", "--rounds", "2");
        assertEquals(ENGINES.split(",").length * 3, rows.size(), "one row per engine and ef, whatever the rounds");
        for (ResultRow row : rows) {
            assertEquals("synthetic-2000x16:parity=even", row.dataset());
            if (row.ef() == 200) {
                assertTrue(row.recall() >= 0.95, row.engine() + " filtered recall at ef=200: " + row.recall());
            }
        }
    }
}
