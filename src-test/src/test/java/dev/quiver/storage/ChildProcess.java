package dev.quiver.storage;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A child JVM running {@link CrashChild} on this test class path, with its output lines collected. */
final class ChildProcess implements AutoCloseable {
    private final Process process;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Thread pump;

    ChildProcess(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("-XX:TieredStopAtLevel=1"); // starts faster; the child does I/O, not computation
        command.add("-Xmx64m");
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add(CrashChild.class.getName());
        command.addAll(List.of(args));
        process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
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
    String awaitLine(int seconds) throws InterruptedException {
        String line = lines.poll(seconds, TimeUnit.SECONDS);
        if (line == null) {
            throw new AssertionError("child printed nothing within " + seconds + " s (alive: " + process.isAlive()
                    + ")");
        }
        return line;
    }

    /** SIGKILL (on Linux {@code destroyForcibly} sends SIGKILL), then waits for death and the last output. */
    List<String> kill() throws InterruptedException {
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
