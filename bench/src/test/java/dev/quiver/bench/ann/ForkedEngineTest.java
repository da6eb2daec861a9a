package dev.quiver.bench.ann;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A JVM engine in a JVM of its own answers exactly as the same engine in the harness's JVM. */
class ForkedEngineTest {

    @TempDir
    Path dir;

    private Dataset data;
    private AnnEngine.BuildParams params;

    @BeforeEach
    void data() throws IOException {
        data = DatasetResolver.resolve("synthetic:2000:16", null, 30, 10, 42, 1);
        // One build thread: the same vectors in the same order give the same graph in both JVMs.
        params = new AnnEngine.BuildParams(data.metric(), 16, 100, 1);
    }

    private record Answers(int[][] answers, double evaluations, long indexBytes) { }

    private Answers run(AnnEngine engine, Path engineDir, int ef) throws IOException {
        Files.createDirectories(engineDir);
        engine.prepare(data, engineDir);
        engine.build(data, params, null, engineDir, Progress.silent());
        engine.open();
        try (QueryRunner runner = new QueryRunner(engine, null, 1)) {
            return new Answers(runner.pass(data.queries(), 10, ef, null),
                    runner.evaluationsPerQuery(data.queries(), 10, ef), engine.indexBytes());
        }
    }

    @Test
    void aForkedQuiverAnswersEveryQueryAsQuiverInThisJvm() throws IOException {
        for (String name : new String[] {"quiver", "quiver-sq8"}) {
            Answers local;
            try (AnnEngine engine = EngineFactory.create(name)) {
                local = run(engine, dir.resolve(name + "-local"), 40);
            }
            Answers forked;
            try (ForkedEngine engine = new ForkedEngine(name)) {
                forked = run(engine, dir.resolve(name + "-forked"), 40);
                assertTrue(engine.persistent(), name);
                assertTrue(engine.reportedOpenMillis() >= 0, name + " open timed in the child");
                assertTrue(engine.reportedBuildSeconds() > 0, name + " build timed in the child");
                AnnEngine.BuildSplit split = engine.buildSplit();
                assertTrue(split.indexSeconds() > 0 && split.cpuSeconds() > 0, name + " build split: " + split);
            }
            for (int q = 0; q < local.answers().length; q++) {
                assertArrayEquals(local.answers()[q], forked.answers()[q], name + " query " + q);
            }
            assertEquals(local.evaluations(), forked.evaluations(), 1e-9, name + " evaluations counted in the child");
            assertTrue(forked.indexBytes() > 2000L * 16 * 4, name + " index size from the child");
        }
    }

    @Test
    void aForkedPassReportsEachQuerysLatencyAndTheChildsCpuTime() throws IOException {
        try (ForkedEngine engine = new ForkedEngine("lucene")) {
            Path engineDir = Files.createDirectories(dir.resolve("lucene"));
            engine.prepare(data, engineDir);
            engine.build(data, params, null, engineDir, Progress.silent());
            engine.open();
            AnnEngine.Pass pass = engine.pass(10, 50, 2);
            assertEquals(data.queries().length, pass.answers().length);
            assertEquals(data.queries().length, pass.latencyNanos().length);
            for (int q = 0; q < pass.answers().length; q++) {
                assertEquals(10, pass.answers()[q].length, "query " + q);
                assertTrue(pass.latencyNanos()[q] > 0, "query " + q);
            }
            assertTrue(pass.elapsedNanos() > 0 && pass.cpuNanos() > 0, pass.elapsedNanos() + " " + pass.cpuNanos());
            assertTrue(QueryRunner.recall(pass.answers(), data.groundTruth(), 10) > 0.9);
        }
    }

    @Test
    void aFailureInTheChildComesBackNamingTheCommandAndTheChildStaysUsable() throws IOException {
        try (ForkedEngine engine = new ForkedEngine("quiver")) {
            assertThrows(IllegalStateException.class, () -> engine.pass(10, 10, 1), "no child before prepare");
            Path engineDir = Files.createDirectories(dir.resolve("quiver"));
            engine.prepare(data, engineDir);
            // Searching an index that was never built fails in the child; the reply names the command.
            IOException e = assertThrows(IOException.class, () -> engine.pass(10, 10, 1));
            assertTrue(e.getMessage().startsWith("quiver host, 'pass': error pass: "), e.getMessage());
            engine.build(data, params, null, engineDir, Progress.silent());
            engine.open();
            assertEquals(data.queries().length, engine.pass(10, 10, 1).answers().length, "usable after an error");
        }
    }

    @Test
    void theJvmOptionChoosesWhereJvmEnginesRun() {
        assertFalse(BenchmarkArgs.parse("--dataset", "synthetic:100:4").sharedJvm(), "default: a JVM per engine");
        assertTrue(BenchmarkArgs.parse("--dataset", "synthetic:100:4", "--jvm", "shared").sharedJvm());
        assertFalse(BenchmarkArgs.parse("--dataset", "synthetic:100:4", "--jvm=per-engine").sharedJvm());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BenchmarkArgs.parse("--dataset", "synthetic:100:4", "--jvm", "forked"));
        assertTrue(e.getMessage().contains("'forked'"), e.getMessage());
        assertFalse(ForkedEngine.forks("hnswlib"), "hnswlib is a process of its own already");
        assertTrue(ForkedEngine.forks("jvector"));
    }
}
