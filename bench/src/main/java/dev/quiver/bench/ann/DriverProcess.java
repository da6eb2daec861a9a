package dev.quiver.bench.ann;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A peer engine's child process driven by tab-separated command lines on its standard input, answering each with one
 * line, {@code ok} or {@code ok VALUE}, anything else being an error; its standard error goes to ours. Shared by
 * native hnswlib's Python driver ({@link HnswlibEngine}) and a JVM engine's own JVM ({@link ForkedEngine}).
 */
final class DriverProcess implements AutoCloseable {

    private final String label;
    private final Process process;
    private final BufferedReader replies;
    private final Writer commands;

    /** Starts {@code command}; {@code label} names the child in errors (e.g. "hnswlib driver"). */
    DriverProcess(String label, List<String> command) throws IOException {
        this.label = label;
        this.process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        this.replies = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    /** Sends one command and returns the reply after its "ok " (empty for a bare "ok"). */
    String command(String name, Object... fields) throws IOException {
        StringBuilder line = new StringBuilder(name);
        for (Object field : fields) {
            line.append('\t').append(field);
        }
        commands.write(line.append('\n').toString());
        commands.flush();
        return reply(name);
    }

    /**
     * Sends one command whose reply is {@code count} space-separated values and returns them; a reply of another
     * length is an error naming the child and the command.
     */
    String[] values(int count, String name, Object... fields) throws IOException {
        String reply = command(name, fields);
        String[] values = reply.isEmpty() ? new String[0] : reply.split(" ");
        if (values.length != count) {
            throw new IOException(label + "'s '" + name + "' reply should be " + count + " values: " + reply);
        }
        return values;
    }

    /** Reads one reply line, for a child that greets before any command; returns it as {@link #command} does. */
    String reply(String what) throws IOException {
        String line = replies.readLine();
        if (line == null) {
            throw new IOException(label + " exited during '" + what + "' (its stderr is above)");
        }
        if (line.equals("ok")) {
            return "";
        }
        if (!line.startsWith("ok ")) {
            throw new IOException(label + ", '" + what + "': " + line);
        }
        return line.substring(3);
    }

    /** Asks the child to quit and waits for it, then kills it if it has not gone. */
    @Override
    public void close() {
        try {
            commands.write("quit\n");
            commands.flush();
        } catch (IOException e) {
            // already gone; destroyed below
        }
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
