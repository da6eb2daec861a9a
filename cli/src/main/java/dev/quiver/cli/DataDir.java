package dev.quiver.cli;

import dev.quiver.Client;
import picocli.CommandLine.Option;

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

    Client open() {
        return new Client(path());
    }
}
