package dev.quiver.cli.io;

import dev.quiver.cli.CliException;
import dev.quiver.server.ApiException;
import dev.quiver.server.Json;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Vectors from JSON values and command-line text. */
public final class Vectors {

    private Vectors() {
    }

    /** A JSON array of numbers as float32; {@code what} names it in the error. */
    public static float[] fromJson(List<?> list, String what) {
        float[] v = new float[list.size()];
        for (int i = 0; i < v.length; i++) {
            if (!(list.get(i) instanceof Number n)) {
                throw CliException.invalid(what + "[" + i + "] is not a number: " + list.get(i));
            }
            v[i] = n.floatValue();
            if (!Float.isFinite(v[i])) {
                throw CliException.invalid(what + "[" + i + "] is not a finite float32: " + n);
            }
        }
        return v;
    }

    /**
     * Rejects a row of a binary file with a NaN or infinite component, as the database would, so the import's check
     * pass catches it before anything is written (JSON rows are checked by {@link #fromJson}).
     */
    static float[] requireFinite(float[] v, java.nio.file.Path file, long row) {
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw CliException.invalid(file + ": row " + row + " component " + i + " is " + v[i]
                        + " (components must be finite)");
            }
        }
        return v;
    }

    /** {@code [0.1, 0.2]} or {@code 0.1,0.2} from the command line. */
    public static float[] parse(String text) {
        String t = text.trim();
        if (!t.startsWith("[")) {
            t = "[" + t + "]";
        }
        Object value;
        try {
            value = Json.parse(t.getBytes(StandardCharsets.UTF_8));
        } catch (ApiException e) {
            throw CliException.invalid("--vector '" + text + "' is not a list of numbers: " + e.getMessage());
        }
        if (!(value instanceof List<?> list) || list.isEmpty()) {
            throw CliException.invalid("--vector '" + text + "' is not a non-empty list of numbers");
        }
        return fromJson(list, "--vector");
    }
}
