package dev.quiver.bench.ann;

import dev.quiver.datasets.VecsFormat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A JVM engine (Quiver, Lucene, jvector) run in a JVM of its own ({@link EngineHost}), started with this JVM's
 * options and class path, so that engines measured in one harness run do not share a JIT.
 *
 * <p>Why: the JDK's Vector API methods are shared by every engine's kernels, and C2 compiles each kernel against the
 * type profiles those shared methods hold at that moment. With Lucene and jvector in the same JVM, Quiver's SQ8
 * searches on fashion-mnist measured 0.93 / 0.95 of its float32 searches' QPS at recall 0.95 / 0.99; in a JVM
 * without them, 1.35-1.57 / 1.45-1.50, and its float32 QPS was 21-39% higher too (bench/results/session13.md).
 *
 * <p>The child loads the same vectors from fvecs files written here (untimed, as hnswlib's driver does), builds
 * and opens the index, and runs and times whole query passes on its own query threads; the pipe carries commands
 * and short replies only. Recall is scored here. Filtered runs stay in the harness's JVM (the row filter and the
 * metadata do not travel).
 */
final class ForkedEngine implements AnnEngine, AnnEngine.OutOfProcess {

    private final String engineName;
    private DriverProcess host;
    private Path staging;
    private int queryCount;
    private boolean persistent;
    private double buildSeconds = Double.NaN;
    private double openMillis = Double.NaN;
    private BuildSplit split;

    ForkedEngine(String engineName) {
        this.engineName = engineName;
    }

    /** Whether {@code engineName} is a JVM engine that can be forked (hnswlib is already its own process). */
    static boolean forks(String engineName) {
        return !engineName.equals("hnswlib");
    }

    @Override
    public String name() {
        return engineName;
    }

    @Override
    public String unavailableReason(RowFilter filter) {
        try (AnnEngine local = EngineFactory.create(engineName)) {
            return local.unavailableReason(filter);
        } catch (IOException e) {
            return "cannot check " + engineName + ": " + e.getMessage();
        }
    }

    @Override
    public void prepare(Dataset data, Path dir) throws IOException {
        staging = Files.createDirectories(dir.resolve("staging"));
        Path base = staging.resolve("base.fvecs");
        Path queries = staging.resolve("query.fvecs");
        VecsFormat.writeFvecs(base, data.base());
        VecsFormat.writeFvecs(queries, data.queries());
        queryCount = data.queries().length;
        host = new DriverProcess(engineName + " host", childCommand());
        persistent = Boolean.parseBoolean(command("load", data.name(), data.metric().name(), base, queries,
                Files.createDirectories(dir.resolve("engine"))));
    }

    /** This JVM's java binary, options and class path, running {@link EngineHost} for this engine. */
    private List<String> childCommand() {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!option.startsWith("-Djava.class.path=")) {
                command.add(option);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(EngineHost.class.getName());
        command.add(engineName);
        return command;
    }

    @Override
    public void build(Dataset data, BuildParams params, RowFilter filter, Path dir, Progress progress)
            throws IOException {
        if (filter != null) {
            throw new IllegalArgumentException("a forked engine runs unfiltered; filtered runs stay in-process");
        }
        requireStarted("build");
        String[] f = host.values(5, "build", params.m(), params.efConstruction(), params.buildThreads(),
                dir.resolve("engine"));
        buildSeconds = Double.parseDouble(f[0]);
        split = Double.isNaN(Double.parseDouble(f[1])) ? null : new BuildSplit(Double.parseDouble(f[1]),
                Double.parseDouble(f[2]), Double.parseDouble(f[3]), Double.parseDouble(f[4]));
        progress.update(data.base().length, data.base().length);
    }

    @Override
    public double reportedBuildSeconds() {
        return buildSeconds;
    }

    @Override
    public BuildSplit buildSplit() {
        return split;
    }

    @Override
    public void open() throws IOException {
        openMillis = Double.parseDouble(command("open"));
    }

    @Override
    public double reportedOpenMillis() {
        return openMillis;
    }

    @Override
    public boolean persistent() {
        return persistent;
    }

    @Override
    public Searcher newSearcher(RowFilter filter) {
        throw new UnsupportedOperationException(engineName + " runs whole passes in its own JVM (see OutOfProcess)");
    }

    @Override
    public Pass pass(int k, int ef, int threads) throws IOException {
        requireStarted("pass");
        Path answersFile = staging.resolve("answers.bin");
        Path latenciesFile = staging.resolve("latencies.bin");
        String[] timing = host.values(2, "pass", k, ef, threads, answersFile, latenciesFile);
        ByteBuffer answerBytes = ByteBuffer.wrap(Files.readAllBytes(answersFile)).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer latencyBytes = ByteBuffer.wrap(Files.readAllBytes(latenciesFile)).order(ByteOrder.LITTLE_ENDIAN);
        if (latencyBytes.remaining() != (long) queryCount * Long.BYTES) {
            throw new IOException(engineName + " host wrote " + latencyBytes.remaining() + " latency bytes for "
                    + queryCount + " queries");
        }
        int[][] answers = new int[queryCount][];
        long[] latencies = new long[queryCount];
        for (int q = 0; q < queryCount; q++) {
            int count = answerBytes.getInt();
            if (count < 0 || count > answerBytes.remaining() / Integer.BYTES) {
                throw new IOException(engineName + " host wrote a bad answer count " + count + " for query " + q);
            }
            answers[q] = new int[count];
            for (int i = 0; i < count; i++) {
                answers[q][i] = answerBytes.getInt();
            }
            latencies[q] = latencyBytes.getLong();
        }
        if (answerBytes.hasRemaining()) {
            throw new IOException(engineName + " host wrote " + answerBytes.remaining() + " answer bytes too many");
        }
        return new Pass(answers, latencies, Long.parseLong(timing[0]), Long.parseLong(timing[1]));
    }

    @Override
    public double evaluationsPerQuery(int k, int ef) throws IOException {
        return Double.parseDouble(command("evals", k, ef));
    }

    @Override
    public long indexBytes() throws IOException {
        return Long.parseLong(command("bytes"));
    }

    /** Sends one tab-separated command and returns the reply after its "ok ". */
    private void requireStarted(String name) {
        if (host == null) {
            throw new IllegalStateException("prepare() must run before '" + name + "'");
        }
    }

    private String command(String name, Object... fields) throws IOException {
        requireStarted(name);
        return host.command(name, fields);
    }

    @Override
    public void close() {
        if (host != null) {
            host.close();
            host = null;
        }
    }
}
