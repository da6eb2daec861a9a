package dev.quiver.cli;

import dev.quiver.Client;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;

/** The {@code --data DIR} option every collection command shares: the root holding one directory per collection. */
public final class DataDir {

    /** Environment variable that sets the default data directory. */
    static final String ENV = "QUIVER_DATA";

    @Option(names = {"-d", "--data"}, paramLabel = "DIR",
            description = "Data directory with one sub-directory per collection (default: $QUIVER_DATA, else"
                    + " ./quiver_data).")
    Path dir;

    Path path() {
        if (dir != null) {
            return dir;
        }
        String env = System.getenv(ENV);
        return Path.of(env != null && !env.isEmpty() ? env : "quiver_data");
    }

    /** The collections, creating the data directory if it does not exist yet (commands that write). */
    Client open() {
        return new Client(path());
    }

    /**
     * The collections of an existing data directory (commands that only read or change what is there): a mistyped
     * {@code --data} is reported as not found instead of being created as a new, empty directory.
     */
    Client openExisting() {
        Path p = path();
        if (!Files.isDirectory(p)) {
            throw new CliException(ExitCodes.NOT_FOUND, "no data directory '" + p + "' (no collection was created"
                    + " there; check --data or $" + ENV + ")");
        }
        return new Client(p);
    }

    /** Whether the data directory exists (a listing of a missing one is empty and creates nothing). */
    boolean exists() {
        return Files.isDirectory(path());
    }
}
