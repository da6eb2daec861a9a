package dev.quiver.bench.ann;

import dev.quiver.datasets.VecsFormat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Native hnswlib (Debian's {@code python3-hnswlib}, the C++ library behind a thin Python binding) driven through
 * {@code hnswlib_driver.py}, a script shipped in this jar and run by {@code /usr/bin/python3} (override with
 * {@code -Dquiver.python=...} or {@code QUIVER_PYTHON}). {@link #prepare} writes the base and query vectors as fvecs
 * and has the driver load them (untimed); {@link #build} is {@code init_index + add_items + save_index} with the same
 * M, ef_construction and thread count as the Java engines, timed inside the driver; {@link #open} is
 * {@code load_index}; a pass runs every query through one {@code knn_query} call each, timed in the driver, so the
 * pipe between the processes is not part of any latency or QPS. Space: euclidean = {@code l2}, cosine =
 * {@code cosine}, dot = {@code ip}. The 0.6 binding has no filtered search, so filtered runs skip it.
 */
public final class HnswlibEngine implements AnnEngine, AnnEngine.OutOfProcess {

    static final String SCRIPT = "hnswlib_driver.py";

    private DriverProcess driver;
    private Path dir;
    private Path indexFile;
    private String space;
    private int queryCount;
    private double driverBuildSeconds = Double.NaN;
    private BuildSplit split;

    @Override
    public String name() {
        return "hnswlib";
    }

    /** The interpreter that has Debian's hnswlib (the first {@code python3} on PATH may be another one). */
    static String python() {
        String configured = System.getProperty("quiver.python", System.getenv("QUIVER_PYTHON"));
        return configured == null || configured.isBlank() ? "/usr/bin/python3" : configured;
    }

    /** Null when the interpreter imports hnswlib and numpy, else why not (with what to install). */
    static String unavailableBecause(String python) {
        if (!Files.isExecutable(Path.of(python))) {
            return python + " not found (install python3 and python3-hnswlib: apt-get install -y python3-hnswlib)";
        }
        try {
            Process p = new ProcessBuilder(python, "-c", "import hnswlib, numpy").redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return python + " did not answer within 60 s";
            }
            return p.exitValue() == 0 ? null : python + " cannot import hnswlib (apt-get install -y python3-hnswlib): "
                    + output.lines().reduce((a, b) -> b).orElse("exit " + p.exitValue());
        } catch (IOException e) {
            return "cannot run " + python + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while checking " + python;
        }
    }

    @Override
    public String unavailableReason(RowFilter filter) {
        if (filter != null) {
            return "hnswlib 0.6's Python binding has no filtered search";
        }
        return unavailableBecause(python());
    }

    @Override
    public void prepare(Dataset data, Path dir) throws IOException {
        this.dir = dir;
        Path staging = Files.createDirectories(dir.resolve("staging"));
        Path base = staging.resolve("base.fvecs");
        Path queries = staging.resolve("query.fvecs");
        VecsFormat.writeFvecs(base, data.base());
        VecsFormat.writeFvecs(queries, data.queries());
        queryCount = data.queries().length;
        space = switch (data.metric()) {
            case EUCLIDEAN -> "l2";
            case COSINE -> "cosine";
            case DOT_PRODUCT -> "ip";
        };
        Path script = staging.resolve(SCRIPT);
        try (InputStream in = HnswlibEngine.class.getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new IOException(SCRIPT + " is missing from the bench jar");
            }
            Files.copy(in, script);
        }
        driver = new DriverProcess("hnswlib driver", java.util.List.of(python(), "-u", script.toString()));
        driver.reply("start");
        driver.command("load", base, queries);
    }

    @Override
    public void build(Dataset data, BuildParams params, RowFilter filter, Path dir, Progress progress)
            throws IOException {
        if (driver == null) {
            throw new IllegalStateException("prepare() must run before build()");
        }
        Path indexDir = Files.createDirectories(dir.resolve("index"));
        indexFile = indexDir.resolve("hnswlib.bin");
        String[] seconds = driver.values(4, "build", space, params.m(), params.efConstruction(),
                params.buildThreads(), indexFile);
        driverBuildSeconds = Double.parseDouble(seconds[0]);
        split = new BuildSplit(Double.parseDouble(seconds[1]), Double.parseDouble(seconds[2]),
                Double.parseDouble(seconds[3]), Double.NaN);
        progress.update(data.base().length, data.base().length);
    }

    /** The add_items / save_index split and the driver process's CPU time, as measured inside the driver. */
    @Override
    public BuildSplit buildSplit() {
        return split;
    }

    /** The build as timed inside the driver (without process start and loading the fvecs files). */
    @Override
    public double reportedBuildSeconds() {
        return driverBuildSeconds;
    }

    @Override
    public void open() throws IOException {
        driver.command("open", space, indexFile);
    }

    @Override
    public boolean persistent() {
        return true;
    }

    @Override
    public Searcher newSearcher(RowFilter filter) {
        throw new UnsupportedOperationException("hnswlib runs whole passes in its own process (see OutOfProcess)");
    }

    @Override
    public Pass pass(int k, int ef, int threads) throws IOException {
        Path answersFile = dir.resolve("staging").resolve("answers.bin");
        Path latenciesFile = dir.resolve("staging").resolve("latencies.bin");
        String[] timing = driver.values(2, "pass", k, ef, threads, answersFile, latenciesFile);
        long elapsed = Long.parseLong(timing[0]);
        long cpu = Long.parseLong(timing[1]);
        ByteBuffer answerBytes = ByteBuffer.wrap(Files.readAllBytes(answersFile)).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer latencyBytes = ByteBuffer.wrap(Files.readAllBytes(latenciesFile)).order(ByteOrder.LITTLE_ENDIAN);
        if (answerBytes.remaining() != (long) queryCount * k * Integer.BYTES
                || latencyBytes.remaining() != (long) queryCount * Long.BYTES) {
            throw new IOException("hnswlib driver wrote " + answerBytes.remaining() + " answer bytes and "
                    + latencyBytes.remaining() + " latency bytes for " + queryCount + " queries at k=" + k);
        }
        int[][] answers = new int[queryCount][k];
        long[] latencies = new long[queryCount];
        for (int q = 0; q < queryCount; q++) {
            for (int i = 0; i < k; i++) {
                answers[q][i] = answerBytes.getInt();
            }
            latencies[q] = latencyBytes.getLong();
        }
        return new Pass(answers, latencies, elapsed, cpu);
    }

    @Override
    public long indexBytes() throws IOException {
        return DirectorySize.of(indexFile.getParent());
    }

    @Override
    public void close() {
        if (driver != null) {
            driver.close();
            driver = null;
        }
    }
}
