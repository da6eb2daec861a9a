package dev.quiver.cli;

import dev.quiver.server.QuiverServer;
import dev.quiver.server.ServerOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code quiver serve}: the HTTP server until SIGTERM or Ctrl-C, which save every open collection. */
@Command(name = "serve", description = {"Serve the data directory over HTTP (vctrs's routes and JSON shapes).",
        "Stops on SIGTERM or Ctrl-C, saving every open collection."})
class ServeCommand extends CliCommand {

    @Option(names = "--port", paramLabel = "N", defaultValue = "8080", description = "TCP port (default 8080; 0 picks"
            + " a free one).")
    int port;

    @Option(names = "--host", paramLabel = "H", defaultValue = "127.0.0.1",
            description = "Address to bind (default 127.0.0.1; 0.0.0.0 exposes the server).")
    String host;

    @Option(names = "--api-key", paramLabel = "KEY", description = "Require 'Authorization: Bearer KEY' or"
            + " 'X-API-Key: KEY' (default: $QUIVER_API_KEY, else no key).")
    String apiKey;

    @Option(names = "--cors-origin", paramLabel = "ORIGIN", description = "Answer CORS for this origin (off by"
            + " default).")
    String corsOrigin;

    @Option(names = "--max-body-bytes", paramLabel = "N", defaultValue = "33554432",
            description = "Largest request body but imports (default 32 MiB).")
    long maxBodyBytes;

    @Option(names = "--max-import-bytes", paramLabel = "N", defaultValue = "8589934592",
            description = "Largest import document (default 8 GiB).")
    long maxImportBytes;

    @Option(names = "--max-concurrent", paramLabel = "N", defaultValue = "64",
            description = "Requests executed at once (default 64).")
    int maxConcurrent;

    @Option(names = "--max-queued", paramLabel = "N", defaultValue = "1024",
            description = "Requests waiting beyond those; more get 503 (default 1024).")
    int maxQueued;

    @Override
    public Integer call() throws InterruptedException {
        // An empty QUIVER_API_KEY counts as unset; an explicit empty --api-key is refused by ServerOptions (a
        // '--api-key "$KEY"' with KEY unset must not serve without a key).
        String env = System.getenv("QUIVER_API_KEY");
        String key = apiKey != null ? apiKey : env == null || env.isEmpty() ? null : env;
        ServerOptions options;
        try {
            options = new ServerOptions(data.path(), host, port, key, corsOrigin, maxBodyBytes, maxImportBytes,
                    maxConcurrent, maxQueued);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        }
        QuiverServer server;
        try {
            server = QuiverServer.start(options);
        } catch (java.io.UncheckedIOException e) {
            throw new CliException(ExitCodes.FAILURE, e.getMessage(), e);
        }
        Thread hook = new Thread(server::close, "quiver-serve-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out().println("listening on " + server.url() + " (data " + data.path().toAbsolutePath() + ")");
        out().flush();
        server.awaitStop();
        return ExitCodes.OK;
    }
}
