package dev.quiver.bench.storage;

import dev.quiver.storage.wal.WalWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

/**
 * WAL appends per second with {@code sync=false} (handed to the OS) and {@code sync=true} (forced, group commit),
 * from 1 and 4 writer threads. A run is a fixed wall time per configuration; appends per force shows how much
 * group commit shares a force.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.quiver.bench.storage.WalAppendBench [seconds] [payloadBytes] [dir]</pre>
 */
public final class WalAppendBench {
    private WalAppendBench() {
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        int payloadBytes = args.length > 1 ? Integer.parseInt(args[1]) : 540; // a 128-dim vector + id + metadata
        Path base = args.length > 2 ? Path.of(args[2]) : Files.createTempDirectory("quiver-wal-bench");
        System.out.printf("payload %d bytes, %.1f s per configuration, directory %s%n", payloadBytes, seconds, base);
        System.out.println("| sync | threads | appends/s | forces/s | appends per force |");
        System.out.println("|---|---|---|---|---|");
        for (boolean sync : new boolean[] {false, true}) {
            for (int threads : new int[] {1, 4}) {
                Path dir = Files.createDirectories(base.resolve("wal-" + sync + "-" + threads));
                run(dir, sync, threads, seconds, payloadBytes);
                deleteTree(dir);
            }
        }
        deleteTree(base);
    }

    private static void run(Path dir, boolean sync, int threads, double seconds, int payloadBytes)
            throws InterruptedException {
        byte[] payload = new byte[payloadBytes];
        LongAdder appends = new LongAdder();
        try (WalWriter wal = WalWriter.open(dir, 0, null)) {
            // Warm-up: let the JIT compile the append path before measuring.
            long warmEnd = System.nanoTime() + 500_000_000L;
            while (System.nanoTime() < warmEnd) {
                wal.append((byte) 1, payload, sync);
            }
            long forcesBefore = wal.forceCount();
            CountDownLatch start = new CountDownLatch(1);
            long[] endNanos = new long[1];
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Thread worker = new Thread(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    long local = 0;
                    while (System.nanoTime() < endNanos[0]) {
                        wal.append((byte) 1, payload, sync);
                        local++;
                    }
                    appends.add(local);
                });
                worker.start();
                workers.add(worker);
            }
            long begin = System.nanoTime();
            endNanos[0] = begin + (long) (seconds * 1e9);
            start.countDown();
            for (Thread w : workers) {
                w.join();
            }
            double elapsed = (System.nanoTime() - begin) / 1e9;
            long forces = wal.forceCount() - forcesBefore;
            double perSecond = appends.sum() / elapsed;
            System.out.printf("| %s | %d | %,.0f | %,.0f | %s |%n", sync, threads, perSecond, forces / elapsed,
                    sync ? String.format("%.2f", appends.sum() / (double) Math.max(1, forces)) : "-");
        }
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            System.err.println("could not delete " + dir + ": " + e);
        }
    }
}
