package dev.quiver.datasets;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the project's shared real data sets live ({@code bigann-10k}, {@code wordnet-minilm-384}, ...). They are read
 * in place, never copied into the repository: {@code -Dquiver.datasets=DIR} when set, else the first
 * {@code shared/datasets} folder beside the working directory or one of its parents (a checkout's {@code ../shared}).
 */
public final class SharedDatasets {

    /** System property naming the data sets folder explicitly. */
    public static final String PROPERTY = "quiver.datasets";

    private SharedDatasets() {
    }

    /** The data sets folder, or null when there is none (callers skip with a message). */
    public static Path root() {
        String override = System.getProperty(PROPERTY);
        if (override != null) {
            return Path.of(override);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path parent = p.getParent();
            if (parent != null && Files.isDirectory(parent.resolve("shared").resolve("datasets"))) {
                return parent.resolve("shared").resolve("datasets");
            }
        }
        return null;
    }

    /** The named data set's folder when it is present, else null. */
    public static Path find(String name) {
        Path root = root();
        Path dir = root == null ? null : root.resolve(name);
        return dir != null && Files.isDirectory(dir) ? dir : null;
    }
}
