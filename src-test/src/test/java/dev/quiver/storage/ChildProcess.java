package dev.quiver.storage;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A child JVM on this test class path (by default running {@link CrashChild}), with its output lines collected. */
public final class ChildProcess implements AutoCloseable {
    private final Process process;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Thread pump;

    public ChildProcess(String... args) throws IOException {
        this(CrashChild.class, List.of("-Xmx64m", "--enable-native-access=ALL-UNNAMED"), false, args);
    }

    /**
     * {@code java <jvmOptions> -cp <this class path> <mainClass> <args>}, on the test JVM's own {@code java}.
     *
     * @param mergeStderr whether the child's standard error joins the collected lines (else it goes to ours)
     */
    public ChildProcess(Class<?> mainClass, List<String> jvmOptions, boolean mergeStderr, String... args)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("-XX:TieredStopAtLevel=1"); // starts faster; the children do I/O, not computation
        command.addAll(jvmOptions);
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        if (mergeStderr) {
            builder.redirectErrorStream(true);
        } else {
            builder.redirectError(ProcessBuilder.Redirect.INHERIT);
        }
        process = builder.start();
        pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the child was killed mid-line: the partial line is not a complete report
            }
        });
        pump.setDaemon(true);
        pump.start();
    }

    /** The next line, waiting up to {@code seconds}; fails if the child says nothing in time. */
    public String awaitLine(int seconds) throws InterruptedException {
        String line = lines.poll(seconds, TimeUnit.SECONDS);
        if (line == null) {
            throw new AssertionError("child printed nothing within " + seconds + " s (alive: " + process.isAlive()
                    + ")");
        }
        return line;
    }

    /** The next line starting with {@code prefix} within 180 s; other lines (warnings) are skipped. */
    public String await(String prefix, String where) throws InterruptedException {
        List<String> seen = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(1, TimeUnit.SECONDS);
            if (line == null) {
                if (!process.isAlive() && lines.isEmpty()) {
                    break;
                }
                continue;
            }
            if (line.startsWith(prefix)) {
                return line;
            }
            seen.add(line);
        }
        throw new AssertionError("child never printed '" + prefix + "' (" + where + "); output: " + seen);
    }

    /** SIGKILL (on Linux {@code destroyForcibly} sends SIGKILL), then waits for death and the last output. */
    public List<String> kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
        pump.join(10_000);
        List<String> rest = new ArrayList<>();
        lines.drainTo(rest);
        return rest;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
