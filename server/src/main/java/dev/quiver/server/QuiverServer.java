package dev.quiver.server;

import com.sun.net.httpserver.HttpServer;
import dev.quiver.Client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The Quiver HTTP server: vctrs's routes and JSON shapes over a {@link Client}, on the JDK's {@code HttpServer} with
 * one virtual thread per request.
 *
 * <pre>{@code
 * try (QuiverServer server = QuiverServer.start(ServerOptions.defaults(Path.of("data")).port(0))) {
 *     System.out.println("listening on " + server.url());
 *     server.awaitStop();
 * }
 * }</pre>
 *
 * {@link #close()} stops accepting, lets requests in progress finish (up to the grace period), then closes every open
 * collection, which saves it. A crash loses nothing acknowledged either: every write is in the write-ahead log
 * before the server answers.
 */
public final class QuiverServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(QuiverServer.class.getName());
    /** Seconds given to requests in progress at shutdown. */
    static final int STOP_GRACE_SECONDS = 5;
    /** Connections the kernel keeps waiting for accept. */
    private static final int BACKLOG = 1024;

    private final ServerOptions options;
    private final HttpServer http;
    private final ExecutorService executor;
    private final Collections collections;
    private final java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
    private boolean closed;

    private QuiverServer(ServerOptions options, HttpServer http, ExecutorService executor, Collections collections) {
        this.options = options;
        this.http = http;
        this.executor = executor;
        this.collections = collections;
    }

    /**
     * Opens the data directory and starts serving.
     *
     * @throws UncheckedIOException when the address cannot be bound (the message names host and port)
     */
    public static QuiverServer start(ServerOptions options) {
        Client client = new Client(options.dataDir());
        Collections collections = new Collections(client);
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(options.host(), options.port()), BACKLOG);
        } catch (IOException e) {
            client.close();
            throw new UncheckedIOException("cannot listen on " + options.host() + ":" + options.port() + ": "
                    + e.getMessage(), e);
        }
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        http.setExecutor(executor);
        http.createContext("/", new ApiHandler(options, collections, new ServerMetrics()));
        http.start();
        QuiverServer server = new QuiverServer(options, http, executor, collections);
        LOG.log(System.Logger.Level.INFO, "quiver server on {0} serving {1}", server.url(), options.dataDir());
        return server;
    }

    /** The bound port (the chosen one when the options asked for 0). */
    public int port() {
        return http.getAddress().getPort();
    }

    /** {@code http://host:port}. */
    public String url() {
        String host = options.host().contains(":") ? "[" + options.host() + "]" : options.host();
        return "http://" + host + ":" + port();
    }

    public ServerOptions options() {
        return options;
    }

    /** Blocks until {@link #close()} has finished (from a shutdown hook, say). */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    /** Stops accepting, waits for requests in progress (up to a grace period), then saves and closes everything. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            http.stop(STOP_GRACE_SECONDS);
            executor.shutdown();
            try {
                executor.awaitTermination(STOP_GRACE_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            collections.close();
        } finally {
            stopped.countDown();
        }
    }
}
