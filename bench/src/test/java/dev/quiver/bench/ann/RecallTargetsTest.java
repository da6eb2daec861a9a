package dev.quiver.bench.ann;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecallTargetsTest {

    private static ResultRow row(String engine, int ef, double recall, double qps) {
        return new ResultRow("d", engine, 16, 200, ef, 10, 1, recall, qps, 0, 0, 0, Double.NaN, 0, Double.NaN,
                Double.NaN);
    }

    @Test
    void interpolatesLogQpsLinearlyInRecallBetweenTheEfStepsAroundTheLevel() {
        List<ResultRow> rows = List.of(row("a", 40, 0.98, 1000), row("a", 10, 0.90, 8000), row("a", 20, 0.94, 4000));
        // 0.95 lies a quarter of the way from ef 20 (0.94) to ef 40 (0.98): 4000 * (1000/4000)^0.25.
        var at = RecallTargets.qpsAt(rows, 0.95).orElseThrow();
        assertEquals(4000 * Math.pow(0.25, 0.25), at.qps(), 1e-6);
        assertTrue(!at.lowerBound());
        assertTrue(RecallTargets.qpsAt(rows, 0.99).isEmpty(), "no ef reaches 0.99");
    }

    @Test
    void theSmallestEfReachingTheLevelGivesOnlyALowerBound() {
        var at = RecallTargets.qpsAt(List.of(row("a", 10, 0.96, 5000), row("a", 20, 0.99, 3000)), 0.95).orElseThrow();
        assertEquals(5000, at.qps(), 1e-9);
        assertTrue(at.lowerBound());
    }

    @Test
    void ratiosAreMarkedWhenAFigureIsOnlyABound() {
        List<ResultRow> quiver = List.of(row("quiver", 10, 0.96, 6000), row("quiver", 20, 0.995, 3000));
        List<ResultRow> peer = List.of(row("peer", 10, 0.90, 6000), row("peer", 20, 0.97, 2000),
                row("peer", 40, 0.995, 1000));
        assertTrue(RecallTargets.ratioText(quiver, peer, 0.95).startsWith(">="));
        // At 0.99 both interpolate: quiver between (0.96, 6000) and (0.995, 3000), peer between (0.97, 2000)
        // and (0.995, 1000).
        double q = Math.exp(Math.log(6000) + (0.99 - 0.96) / (0.995 - 0.96) * (Math.log(3000) - Math.log(6000)));
        double p = Math.exp(Math.log(2000) + (0.99 - 0.97) / (0.995 - 0.97) * (Math.log(1000) - Math.log(2000)));
        assertEquals(String.format(java.util.Locale.ROOT, "%.2f", q / p), RecallTargets.ratioText(quiver, peer, 0.99));
        assertEquals("-", RecallTargets.ratioText(quiver, List.of(row("peer", 10, 0.5, 1)), 0.95));
    }

    @Test
    void printsOneLinePerEngineAndThreadCount() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<ResultRow> rows = List.of(row("quiver", 10, 0.96, 6000), row("quiver", 20, 0.995, 3000),
                row("lucene", 10, 0.93, 5000), row("lucene", 20, 0.992, 2500));
        RecallTargets.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), rows, "quiver");
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("quiver x1"), text);
        assertTrue(text.contains("lucene x1"), text);
    }

    private static ResultRow row(String engine, int threads, int ef, double recall, double qps) {
        return new ResultRow("d", engine, 16, 200, ef, 10, threads, recall, qps, 0, 0, 0, Double.NaN, 0, Double.NaN,
                Double.NaN);
    }

    @Test
    void perForkRatiosPairEachForksOwnRowsAndTakeTheirMedian() {
        // Quiver is the same in forks 1 and 2 and lucene differs, so pairing fork 2's quiver with fork 1's lucene would
        // show. Fork 1: 2x; fork 2: 1.5x; in fork 3 quiver's smallest ef already reaches both levels, so its figures
        // are bounds, which the median leaves out; fork 4 has no lucene (it failed to build), so "-". Two threads
        // are their own line.
        List<List<ResultRow>> forks = List.of(
                List.of(row("quiver", 1, 10, 0.90, 8000), row("quiver", 1, 20, 0.99, 4000),
                        row("lucene", 1, 10, 0.90, 4000), row("lucene", 1, 20, 0.99, 2000),
                        row("quiver", 2, 10, 0.90, 16000), row("quiver", 2, 20, 0.99, 8000),
                        row("lucene", 2, 10, 0.90, 4000), row("lucene", 2, 20, 0.99, 2000)),
                List.of(row("quiver", 1, 10, 0.90, 8000), row("quiver", 1, 20, 0.99, 4000),
                        row("lucene", 1, 10, 0.90, 16000 / 3.0), row("lucene", 1, 20, 0.99, 8000 / 3.0),
                        row("quiver", 2, 10, 0.90, 16000), row("quiver", 2, 20, 0.99, 8000),
                        row("lucene", 2, 10, 0.90, 4000), row("lucene", 2, 20, 0.99, 2000)),
                List.of(row("quiver", 1, 10, 0.995, 4800), row("quiver", 1, 20, 0.999, 2400),
                        row("lucene", 1, 10, 0.90, 4000), row("lucene", 1, 20, 0.99, 2000)),
                List.of(row("quiver", 1, 10, 0.90, 8000), row("quiver", 1, 20, 0.99, 4000)));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RecallTargets.printPerFork(new PrintStream(bytes, true, StandardCharsets.UTF_8), forks, "quiver");
        String text = bytes.toString(StandardCharsets.UTF_8);
        String lucene = text.lines().filter(l -> l.startsWith("lucene x1")).findFirst().orElseThrow();
        // Fork 3 at 0.95: 4800 against lucene's 4000 * 0.5^(0.05 / 0.09) = 2721.6.
        assertTrue(lucene.contains("@0.95: 2.00 1.50 >=1.76 -, median 1.75"), lucene);
        assertTrue(lucene.contains("@0.99: 2.00 1.50 >=2.40 -, median 1.75"), lucene);
        String twoThreads = text.lines().filter(l -> l.startsWith("lucene x2")).findFirst().orElseThrow();
        assertTrue(twoThreads.contains("@0.95: 4.00 4.00 - -, median 4.00"), twoThreads);
        assertTrue(text.lines().noneMatch(l -> l.startsWith("quiver x")), text);
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertEquals(1.5, RecallTargets.median(List.of(2.0, 1.0, 1.0, 2.0)), 1e-12);
        assertEquals(3.0, RecallTargets.median(List.of(5.0, 3.0, 1.0)), 1e-12);
    }
}
