package dev.quiver.cli.io;

import dev.quiver.cli.CliException;
import dev.quiver.server.ApiException;
import dev.quiver.server.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A JSON file holding an array of vectors, {@code [[0.1, 0.2], [0.3, 0.4]]}: the simplest query file. */
final class QueryArrays {

    private QueryArrays() {
    }

    static float[][] read(Path file) throws IOException {
        Object value;
        try {
            value = Json.parse(Files.readAllBytes(file));
        } catch (ApiException e) {
            throw CliException.invalid(file + ": " + e.getMessage());
        }
        if (!(value instanceof List<?> rows)) {
            throw CliException.invalid(file + ": expected an array of vectors");
        }
        float[][] out = new float[rows.size()][];
        for (int i = 0; i < out.length; i++) {
            if (!(rows.get(i) instanceof List<?> row)) {
                throw CliException.invalid(file + ": element " + i + " is not an array of numbers");
            }
            out[i] = Vectors.fromJson(row, file + ": [" + i + "]");
        }
        return out;
    }
}
