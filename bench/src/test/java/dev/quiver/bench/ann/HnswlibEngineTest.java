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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Native hnswlib as a harness peer: skipped with a reason when absent, a real run when installed. */
class HnswlibEngineTest {

    @TempDir
    Path dir;

    private record Run(List<ResultRow> rows, String output) { }

    private Run run(String... extra) throws IOException {
        String[] base = {"--dataset", "synthetic:2000:16", "--queries", "30", "--ef", "10,50,200",
                "--min-seconds", "0", "--build-threads", "2", "--csv", dir.resolve("out.csv").toString(),
                "--work-dir", dir.resolve("work").toString()};
        String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        List<ResultRow> rows;
        try (PrintStream out = new PrintStream(sink, true, StandardCharsets.UTF_8)) {
            rows = new AnnBenchmark(BenchmarkArgs.parse(args), out, out).run();
        }
        return new Run(rows, sink.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aMissingInterpreterSkipsHnswlibWithAMessageAndTheOtherEnginesStillRun() throws IOException {
        String missing = dir.resolve("no-such-python").toString();
        assertTrue(HnswlibEngine.unavailableBecause(missing).contains("python3-hnswlib"),
                HnswlibEngine.unavailableBecause(missing));
        String before = System.getProperty("quiver.python");
        System.setProperty("quiver.python", missing);
        try {
            Run run = run("--engines", "quiver,hnswlib");
            assertTrue(run.output().contains("hnswlib skipped: " + missing + " not found"), run.output());
            assertEquals(3, run.rows().size(), "quiver's rows only");
            assertTrue(run.rows().stream().allMatch(r -> r.engine().equals("quiver")));
        } finally {
            if (before == null) {
                System.clearProperty("quiver.python");
            } else {
                System.setProperty("quiver.python", before);
            }
        }
    }

    @Test
    void anInterpreterWithoutHnswlibIsReportedAsSuch() throws IOException {
        // A real interpreter that fails the import check: a shell script that exits non-zero like python would.
        Path fake = dir.resolve("python-without-hnswlib");
        Files.writeString(fake, "#!/bin/sh\necho \"ModuleNotFoundError: No module named 'hnswlib'\" >&2\nexit 1\n");
        assumeTrue(fake.toFile().setExecutable(true), "cannot make a script executable here");
        String reason = HnswlibEngine.unavailableBecause(fake.toString());
        assertNotNull(reason);
        assertTrue(reason.contains("cannot import hnswlib") && reason.contains("No module named 'hnswlib'"), reason);
    }

    @Test
    void filteredRunsSkipHnswlib() {
        assertTrue(new HnswlibEngine().unavailableReason(RowFilter.parse("parity=even", List.of(java.util.Map.of("parity", "even"))))
                .contains("no filtered search"));
    }

    @Test
    void unknownEnginesAreStillRejectedAndHnswlibIsNotADefault() {
        assertFalse(BenchmarkArgs.ALL_ENGINES.contains("hnswlib"), "only when CI installs it");
        assertTrue(BenchmarkArgs.parse("--dataset", "x", "--engines", "hnswlib").engines().contains("hnswlib"));
    }

    @Test
    void whenInstalledHnswlibBuildsSearchesAndReportsTheSameColumns() throws IOException {
        String reason = HnswlibEngine.unavailableBecause(HnswlibEngine.python());
        assumeTrue(reason == null, "native hnswlib not installed: " + reason);
        assertNull(reason);
        for (String threads : new String[] {"1", "2"}) {
            Run run = run("--engines", "hnswlib,quiver", "--threads", threads, "--metric",
                    threads.equals("1") ? "euclidean" : "cosine");
            List<ResultRow> hnswlib = run.rows().stream().filter(r -> r.engine().equals("hnswlib")).toList();
            assertEquals(3, hnswlib.size(), run.output());
            for (ResultRow row : hnswlib) {
                assertTrue(row.qps() > 0 && row.p50Micros() > 0 && row.p50Micros() <= row.p99Micros(), row.toString());
                assertTrue(row.buildSeconds() > 0, row.toString());
                assertTrue(row.cpuMicros() > 0, "the driver reports its threads' CPU time: " + row);
                assertTrue(!Double.isNaN(row.openMillis()), "persistent: open is timed");
                assertTrue(row.indexBytes() > 2000L * 16 * 4, "index file holds the vectors: " + row);
                assertEquals(Integer.parseInt(threads), row.threads());
            }
            ResultRow atLargeEf = hnswlib.stream().filter(r -> r.ef() == 200).findFirst().orElseThrow();
            assertTrue(atLargeEf.recall() >= 0.99, "hnswlib recall at ef=200 with " + threads + " threads: "
                    + atLargeEf.recall());
            ResultRow atSmallEf = hnswlib.stream().filter(r -> r.ef() == 10).findFirst().orElseThrow();
            assertTrue(atSmallEf.recall() <= atLargeEf.recall(), "recall grows with ef");
        }
        List<String> csv = Files.readAllLines(dir.resolve("out.csv"));
        assertEquals(ResultRow.CSV_HEADER, csv.getFirst());
        assertTrue(csv.stream().anyMatch(l -> l.contains(",hnswlib,16,200,200,10,2,")), String.join("\n", csv));
    }
}
