package dev.quiver.cli.io;

import dev.quiver.cli.CliException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The input formats {@code quiver import} and {@code quiver search --queries} read, chosen by name or extension. */
public enum VectorFormat {
    FVECS, BVECS, NPY, JSONL, JSON;

    /** {@code auto} picks by extension: .fvecs .bvecs .npy .jsonl/.ndjson .json. */
    public static VectorFormat of(String name, Path file) {
        String n = name == null ? "auto" : name.toLowerCase(Locale.ROOT);
        if (!n.equals("auto")) {
            try {
                return valueOf(n.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw CliException.invalid("unknown format '" + name + "': use auto, fvecs, bvecs, npy, jsonl or json");
            }
        }
        String f = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (f.endsWith(".fvecs")) {
            return FVECS;
        } else if (f.endsWith(".bvecs")) {
            return BVECS;
        } else if (f.endsWith(".npy")) {
            return NPY;
        } else if (f.endsWith(".jsonl") || f.endsWith(".ndjson")) {
            return JSONL;
        } else if (f.endsWith(".json")) {
            return JSON;
        }
        throw CliException.invalid("cannot tell the format of '" + file + "' from its extension: pass --format"
                + " fvecs, bvecs, npy, jsonl or json");
    }

    /** Opens {@code file}; {@code metadataFile} (JSON lines, one per row) only applies to fvecs, bvecs and npy. */
    public VectorSource open(Path file, String idPrefix, Path metadataFile) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new CliException(dev.quiver.cli.ExitCodes.NOT_FOUND, "no such file: " + file);
        }
        if (metadataFile != null && (this == JSONL || this == JSON)) {
            throw CliException.invalid("--metadata applies to fvecs, bvecs and npy files; " + this.name()
                    .toLowerCase(Locale.ROOT) + " records carry their own metadata");
        }
        if (metadataFile != null && !Files.isRegularFile(metadataFile)) {
            throw new CliException(dev.quiver.cli.ExitCodes.NOT_FOUND, "no such file: " + metadataFile);
        }
        return switch (this) {
            case FVECS -> new VecsSource(file, false, idPrefix, metadataFile);
            case BVECS -> new VecsSource(file, true, idPrefix, metadataFile);
            case NPY -> new NpySource(file, idPrefix, metadataFile);
            case JSONL -> new JsonLinesSource(file, idPrefix);
            case JSON -> new VctrsJsonSource(file);
        };
    }

    /** Every vector of a query file (any format); a JSON file may also be a plain array of arrays. */
    public static float[][] readAll(Path file, String format) throws IOException {
        VectorFormat f = of(format, file);
        if (f == JSON && Files.isRegularFile(file) && firstChar(file) == '[') {
            return QueryArrays.read(file);
        }
        List<float[]> out = new ArrayList<>();
        try (VectorSource s = f.open(file, "", null)) {
            VectorSource.Batch b;
            while ((b = s.next(4096)) != null) {
                out.addAll(List.of(b.vectors()));
            }
        }
        return out.toArray(new float[0][]);
    }

    private static int firstChar(Path file) throws IOException {
        try (var in = Files.newBufferedReader(file)) {
            int c;
            while ((c = in.read()) != -1 && Character.isWhitespace(c)) {
                // skip
            }
            return c;
        }
    }
}
