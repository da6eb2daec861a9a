package dev.quiver.bench.ann;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --forks N}: whole rows of the median fork per engine and ef, and the harness running N forks. */
class ForkMediansTest {

    @TempDir
    Path dir;

    private static ResultRow row(String engine, int ef, double qps, double recall) {
        return new ResultRow("d", engine, 16, 200, ef, 10, 1, recall, qps, 1, 2, 3, 4, 5, 6, 7);
    }

    @Test
    void eachEngineAndEfKeepsTheWholeRowOfItsMedianFork() {
        ResultRow a1 = row("a", 10, 300, 0.91);
        ResultRow a2 = row("a", 10, 100, 0.92);
        ResultRow a3 = row("a", 10, 200, 0.93);
        ResultRow b1 = row("b", 10, 5, 0.5);
        ResultRow b2 = row("b", 10, 7, 0.6);
        ResultRow a40 = row("a", 40, 50, 0.99);
        List<ResultRow> rows = ForkMedians.rows(List.of(List.of(a1, b1, a40), List.of(a2, b2), List.of(a3)));
        assertEquals(3, rows.size(), "one row per engine and ef, in the first fork's order: " + rows);
        assertSame(a3, rows.get(0), "the median of 100, 200, 300 with its own recall");
        assertSame(b2, rows.get(1), "the upper middle of two");
        assertSame(a40, rows.get(2), "a key only one fork has");
    }

    @Test
    void buildLinesKeepTheMedianBuild() {
        ReportWriter.BuildLine fast = new ReportWriter.BuildLine("a", 1.0, null);
        ReportWriter.BuildLine slow = new ReportWriter.BuildLine("a", 3.0, null);
        ReportWriter.BuildLine middle = new ReportWriter.BuildLine("a", 2.0, null);
        assertSame(middle, ForkMedians.builds(List.of(List.of(slow), List.of(fast), List.of(middle))).getFirst());
    }

    @Test
    void theHarnessBuildsAndMeasuresEveryEngineOncePerFork() throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        List<ResultRow> rows;
        try (PrintStream out = new PrintStream(sink, true, StandardCharsets.UTF_8)) {
            rows = new AnnBenchmark(BenchmarkArgs.parse("--dataset", "synthetic:1000:8", "--queries", "10", "--ef",
                    "10,40", "--min-seconds", "0", "--build-threads", "1", "--engines", "quiver", "--forks", "3",
                    "--work-dir", dir.resolve("work").toString()), out, out).run();
        }
        String output = sink.toString(StandardCharsets.UTF_8);
        assertEquals(2, rows.size(), output);
        assertEquals(3, output.lines().filter(l -> l.startsWith("[quiver] built in")).count(), output);
        assertTrue(output.contains("fork 3 of 3"), output);
        assertTrue(output.contains("3 forks: each row is the fork with the median QPS"), output);
    }

    @Test
    void forksNeedAJvmPerEngine() {
        IllegalArgumentException shared = assertThrows(IllegalArgumentException.class,
                () -> BenchmarkArgs.parse("--dataset", "synthetic:100:4", "--forks", "2", "--jvm", "shared"));
        assertTrue(shared.getMessage().contains("--jvm shared"), shared.getMessage());
        IllegalArgumentException filtered = assertThrows(IllegalArgumentException.class,
                () -> BenchmarkArgs.parse("--dataset", "synthetic:100:4", "--forks", "2", "--filter", "parity=even"));
        assertTrue(filtered.getMessage().contains("--filter"), filtered.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BenchmarkArgs.parse("--dataset", "x", "--forks", "0"));
        assertEquals(2, BenchmarkArgs.parse("--dataset", "synthetic:100:4", "--forks", "2").forks());
    }
}
