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
 * group commit shares a force. The configurations run interleaved for several rounds and the median round is
 * reported, because on a shared machine the device's force latency drifts by several times within a minute.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.quiver.bench.storage.WalAppendBench [seconds] [payloadBytes] [rounds] [dir]</pre>
 */
public final class WalAppendBench {
    private WalAppendBench() {
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        int payloadBytes = args.length > 1 ? Integer.parseInt(args[1]) : 540; // a 128-dim vector + id + metadata
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Path base = args.length > 3 ? Path.of(args[3]) : Files.createTempDirectory("quiver-wal-bench");
        System.out.printf("payload %d bytes, %.1f s per configuration, %d rounds, directory %s%n", payloadBytes,
                seconds, rounds, base);
        // Forced runs first, then a pause: deleting the hundreds of megabytes an unforced run writes makes the file
        // system discard blocks at its next journal commits, which would slow the next forced run by ten times.
        boolean[] syncs = {true, false};
        int[] threadCounts = {1, 4};
        Result[][][] results = new Result[2][2][rounds];
        for (int round = 0; round < rounds; round++) {
            for (int s = 0; s < 2; s++) {
                for (int i = 0; i < 2; i++) {
                    int t = (i + round) % 2; // alternate which thread count goes first
                    Path dir = Files.createDirectories(base.resolve("wal-" + syncs[s] + "-" + threadCounts[t]));
                    results[s][t][round] = run(dir, syncs[s], threadCounts[t], seconds, payloadBytes);
                    deleteTree(dir);
                }
            }
            Thread.sleep(2000);
        }
        System.out.println("| sync | threads | appends/s (median round) | forces/s | appends per force | all rounds (appends/s) |");
        System.out.println("|---|---|---|---|---|---|");
        for (int s = 0; s < 2; s++) {
            for (int t = 0; t < 2; t++) {
                Result[] r = results[s][t].clone();
                java.util.Arrays.sort(r, Comparator.comparingDouble(Result::appendsPerSecond));
                Result m = r[r.length / 2];
                StringBuilder all = new StringBuilder();
                for (Result x : results[s][t]) {
                    all.append(all.isEmpty() ? "" : ", ").append(String.format("%,.0f", x.appendsPerSecond()));
                }
                System.out.printf("| %s | %d | %,.0f | %,.0f | %s | %s |%n", syncs[s], threadCounts[t],
                        m.appendsPerSecond(), m.forcesPerSecond(),
                        syncs[s] ? String.format("%.2f", m.appendsPerSecond() / Math.max(1e-9, m.forcesPerSecond()))
                                : "-", all);
            }
        }
        deleteTree(base);
    }

    private record Result(double appendsPerSecond, double forcesPerSecond) {
    }

    private static Result run(Path dir, boolean sync, int threads, double seconds, int payloadBytes)
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
            return new Result(appends.sum() / elapsed, forces / elapsed);
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
