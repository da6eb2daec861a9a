package dev.quiver.bench.ann;

import dev.quiver.Metric;
import dev.quiver.datasets.VecsFormat;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The child side of {@link ForkedEngine}: one JVM engine in a JVM of its own, driven by tab-separated commands on
 * standard input and answering {@code ok ...} or {@code error ...} on standard output (everything else the engine
 * prints goes to standard error). Passes run on this JVM's own query threads through {@link QueryRunner}, as they
 * would in the harness's JVM, and are timed here.
 *
 * <pre>
 * load  NAME METRIC BASE.fvecs QUERY.fvecs DIR   -> ok PERSISTENT(true|false)     (prepare, untimed)
 * build M EF_CONSTRUCTION THREADS DIR            -> ok SECONDS INDEX_S SAVE_S CPU_S JIT_CPU_S
 * open                                           -> ok MILLIS
 * bytes                                          -> ok INDEX_BYTES
 * pass  K EF THREADS ANSWERS LATENCIES           -> ok ELAPSED_NS CPU_NS  (files: per query a count and the rows;
 *                                                                          per query its latency in ns)
 * evals K EF                                     -> ok MEAN_EVALUATIONS_PER_QUERY
 * quit
 * </pre>
 */
public final class EngineHost {

    private final String engineName;
    private final PrintStream replies;
    private AnnEngine engine;
    private Dataset data;
    private final Map<Integer, QueryRunner> runners = new HashMap<>();

    private EngineHost(String engineName, PrintStream replies) {
        this.engineName = engineName;
        this.replies = replies;
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: EngineHost ENGINE_NAME (commands on standard input)");
            System.exit(2);
        }
        // The protocol owns standard output; anything an engine prints goes to standard error.
        PrintStream replies = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err);
        EngineHost host = new EngineHost(args[0], replies);
        try {
            host.serve(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
        } finally {
            host.closeAll();
        }
    }

    private void serve(BufferedReader commands) throws IOException {
        for (String line = commands.readLine(); line != null; line = commands.readLine()) {
            String[] f = line.split("\t");
            if (f[0].equals("quit")) {
                return;
            }
            try {
                replies.println("ok " + handle(f));
            } catch (IOException | RuntimeException e) {
                e.printStackTrace(System.err);
                replies.println("error " + f[0] + ": " + String.valueOf(e).replace('\n', ' '));
            }
        }
    }

    private String handle(String[] f) throws IOException {
        return switch (f[0]) {
            case "load" -> load(f[1], Metric.valueOf(f[2]), Path.of(f[3]), Path.of(f[4]), Path.of(f[5]));
            case "build" -> build(Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]),
                    Path.of(f[4]));
            case "open" -> {
                long t0 = System.nanoTime();
                engine.open();
                yield number((System.nanoTime() - t0) / 1e6);
            }
            case "bytes" -> Long.toString(engine.indexBytes());
            case "pass" -> pass(Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]),
                    Path.of(f[4]), Path.of(f[5]));
            case "evals" -> number(runner(1).evaluationsPerQuery(data.queries(), Integer.parseInt(f[1]),
                    Integer.parseInt(f[2])));
            default -> throw new IllegalArgumentException("unknown command '" + f[0] + "'");
        };
    }

    private String load(String name, Metric metric, Path base, Path queries, Path dir) throws IOException {
        float[][] queryRows = VecsFormat.readFvecs(queries);
        // Engines index and search; recall is scored in the harness's JVM, so no ground truth travels here.
        data = new Dataset(name, metric, VecsFormat.readFvecs(base), queryRows, new int[queryRows.length][0], null);
        engine = EngineFactory.create(engineName);
        engine.prepare(data, dir);
        return Boolean.toString(engine.persistent());
    }

    private String build(int m, int efConstruction, int threads, Path dir) throws IOException {
        long t0 = System.nanoTime();
        engine.build(data, new AnnEngine.BuildParams(data.metric(), m, efConstruction, threads), null, dir,
                new Progress(engineName + " build", System.err));
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (!Double.isNaN(engine.reportedBuildSeconds())) {
            seconds = engine.reportedBuildSeconds();
        }
        AnnEngine.BuildSplit split = engine.buildSplit();
        return split == null
                ? String.join(" ", number(seconds), "NaN", "NaN", "NaN", "NaN")
                : String.join(" ", number(seconds), number(split.indexSeconds()), number(split.saveSeconds()),
                        number(split.cpuSeconds()), number(split.jitCpuSeconds()));
    }

    private String pass(int k, int ef, int threads, Path answersFile, Path latenciesFile) throws IOException {
        AnnEngine.Pass pass = runner(threads).passWithLatencies(data.queries(), k, ef);
        int ints = 0;
        for (int[] answer : pass.answers()) {
            ints += 1 + answer.length;
        }
        ByteBuffer answers = ByteBuffer.allocate(ints * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int[] answer : pass.answers()) {
            answers.putInt(answer.length);
            for (int row : answer) {
                answers.putInt(row);
            }
        }
        ByteBuffer latencies = ByteBuffer.allocate(pass.latencyNanos().length * Long.BYTES)
                .order(ByteOrder.LITTLE_ENDIAN);
        for (long nanos : pass.latencyNanos()) {
            latencies.putLong(nanos);
        }
        Files.write(answersFile, answers.array());
        Files.write(latenciesFile, latencies.array());
        return pass.elapsedNanos() + " " + pass.cpuNanos();
    }

    /** The query threads for a thread count, made once and kept: a searcher is reused pass after pass. */
    private QueryRunner runner(int threads) throws IOException {
        QueryRunner runner = runners.get(threads);
        if (runner == null) {
            runner = new QueryRunner(engine, null, threads);
            runners.put(threads, runner);
        }
        return runner;
    }

    private static String number(double value) {
        return Double.toString(value); // exact: the harness's JVM reads back the same double
    }

    private void closeAll() throws IOException {
        try {
            for (QueryRunner runner : runners.values()) {
                runner.close();
            }
        } finally {
            if (engine != null) {
                engine.close();
            }
        }
    }
}
