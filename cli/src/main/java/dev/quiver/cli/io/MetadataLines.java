package dev.quiver.cli.io;

import dev.quiver.cli.CliException;
import dev.quiver.server.ApiException;
import dev.quiver.server.Json;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** A JSON-lines side file of metadata: line i is the metadata object (or {@code null}) of row i. */
final class MetadataLines implements AutoCloseable {

    private final Path file;
    private final BufferedReader reader;

    MetadataLines(Path file) throws IOException {
        this.file = file;
        this.reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
    }

    Map<String, Object> next(long row) throws IOException {
        String line = reader.readLine();
        if (line == null) {
            throw CliException.invalid(file + ": no metadata line for row " + row + " (the file has fewer lines"
                    + " than the vectors file has rows)");
        }
        return parse(file, row + 1, line);
    }

    /** One line's JSON object (or null for {@code null}). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> parse(Path file, long lineNumber, String line) {
        Object value;
        try {
            value = Json.parse(line.getBytes(StandardCharsets.UTF_8));
        } catch (ApiException e) {
            throw CliException.invalid(file + ": line " + lineNumber + ": " + e.getMessage());
        }
        if (value != null && !(value instanceof Map<?, ?>)) {
            throw CliException.invalid(file + ": line " + lineNumber + ": expected a JSON object");
        }
        return (Map<String, Object>) value;
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
