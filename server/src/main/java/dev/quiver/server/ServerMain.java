package dev.quiver.server;

import java.nio.file.Path;

/**
 * Runs the server without the CLI: {@code java -cp ... dev.quiver.server.ServerMain --data DIR --port N --host H
 * [--api-key KEY]}. Prints {@code listening on http://host:port} once bound (tests read the port from it) and saves
 * everything on SIGTERM or Ctrl-C. The {@code quiver serve} command is the full-featured front end.
 */
public final class ServerMain {

    private ServerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        ServerOptions options = ServerOptions.defaults(Path.of(ServerOptions.DEFAULT_DATA_DIR));
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (i + 1 >= args.length) {
                usage("missing value after " + flag);
            }
            String value = args[++i];
            switch (flag) {
                case "--data" -> options = options.dataDir(Path.of(value));
                case "--port" -> options = options.port(parsePort(value));
                case "--host" -> options = options.host(value);
                case "--api-key" -> options = options.apiKey(value);
                default -> usage("unknown option " + flag);
            }
        }
        QuiverServer server = QuiverServer.start(options);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "quiver-server-shutdown"));
        System.out.println("listening on " + server.url());
        System.out.flush();
        server.awaitStop();
    }

    private static int parsePort(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            usage("--port must be a number, got '" + value + "'");
            return -1;
        }
    }

    private static void usage(String problem) {
        System.err.println("quiver server: " + problem);
        System.err.println("usage: ServerMain [--data DIR] [--port N] [--host H] [--api-key KEY]");
        System.exit(2);
    }
}
