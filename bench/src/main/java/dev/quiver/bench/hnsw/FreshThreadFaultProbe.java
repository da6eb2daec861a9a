package dev.quiver.bench.hnsw;

import dev.quiver.Config;
import dev.quiver.Database;
import dev.quiver.Metric;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Counts the page faults a call takes on its own thread (Linux {@code /proc/thread-self/stat}, minor faults). It
 * measures an insert on a warmed thread and an insert on a fresh platform thread. Two controls run on fresh platform
 * threads: an empty task (what reading the counter costs) and a recursion as deep as {@link FreshStackProbe}'s
 * deepest (1,600 frames, to show that the counter sees a new thread's first touches of its stack). Threads are made
 * one at a time, as {@link ThreadModeRunner} makes them; the C library may then reuse the last thread's stack.
 *
 * <p>Issue #13 goal 3 measured an insert on a fresh platform thread at about 1.15x a warmed thread's CPU. Round four
 * blamed the first touch of the new thread's stack pages. This probe tests that: a fresh thread's insert would then
 * take more faults than a warmed thread's. Session 9: it takes about one, fewer than a warmed thread's (whose faults
 * are the index's and the heap's growth), while the recursion takes 20 (bench/results/session9.md).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *   -cp bench/target/benchmarks.jar dev.quiver.bench.hnsw.FreshThreadFaultProbe [n=50000] [dim=16] [calls=2000]
 * </pre>
 * Linux only; prints a message and exits elsewhere.
 */
public final class FreshThreadFaultProbe {

    private static final Path STAT = Path.of("/proc/thread-self/stat");

    private FreshThreadFaultProbe() {
    }

    public static void main(String[] args) throws Exception {
        if (!Files.isReadable(STAT)) {
            System.out.println("FreshThreadFaultProbe: /proc/thread-self/stat is not readable here (Linux only); skipped");
            return;
        }
        int n = RunnerSupport.option(args, "n", 50_000);
        int dim = RunnerSupport.option(args, "dim", 16);
        int calls = RunnerSupport.option(args, "calls", 2000);
        SplittableRandom random = new SplittableRandom(42);
        Path dir = Files.createTempDirectory("quiver-faults");
        try (Database db = Database.open(dir.resolve("db"), Config.dim(dim).metric(Metric.EUCLIDEAN))) {
            List<String> ids = new ArrayList<>(n);
            float[][] base = new float[n][];
            for (int i = 0; i < n; i++) {
                ids.add("b" + i);
                base[i] = gaussian(random, dim);
            }
            db.addMany(ids, base);
            int[] next = {0};
            Runnable insert = () -> db.add("x" + next[0]++, gaussian(random, dim));
            Runnable empty = () -> { };
            Runnable deep = () -> sink += recurse(1600); // FreshStackProbe's deepest control: a known stack depth
            for (int round = 0; round < 3; round++) { // the first rounds warm the JIT
                double warmed = faultsPerCall(insert, calls, false);
                double fresh = faultsPerCall(insert, calls, true);
                double thread = faultsPerCall(empty, calls, true);
                double recursion = faultsPerCall(deep, calls, true);
                System.out.printf(Locale.ROOT, "round %d: minor faults per call: insert on a warmed thread %.2f,"
                                + " insert on a fresh platform thread %.2f, empty task on a fresh platform thread %.2f"
                                + " (the counter's own cost), recursion of depth 1600 on a fresh platform thread %.2f%n",
                        round + 1, warmed, fresh, thread, recursion);
            }
        } finally {
            RunnerSupport.deleteTree(dir);
        }
    }

    /**
     * Mean minor faults taken by {@code task}'s own thread while it runs, on the caller or each time on a new platform
     * thread. The fault counter is read twice before the task, so that its own first use is not counted.
     */
    private static double faultsPerCall(Runnable task, int calls, boolean freshThread) throws InterruptedException {
        long[] total = {0};
        Runnable counted = () -> {
            minorFaults();
            long before = minorFaults();
            task.run();
            total[0] += minorFaults() - before;
        };
        for (int i = 0; i < calls; i++) {
            if (freshThread) {
                Thread t = Thread.ofPlatform().start(counted);
                t.join();
            } else {
                counted.run();
            }
        }
        return (double) total[0] / calls;
    }

    /** Field 10 of {@code /proc/thread-self/stat} (minflt), read after the command name, which may hold spaces. */
    private static long minorFaults() {
        try {
            String stat = Files.readString(STAT);
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[7]); // fields[0] is field 3 (state)
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long sink;

    /** A call chain {@code depth} frames deep, each frame with a little state the JIT cannot drop. */
    private static long recurse(int depth) {
        long[] local = {depth, depth * 31L};
        return depth == 0 ? local[1] : recurse(depth - 1) + local[0];
    }

    private static float[] gaussian(SplittableRandom random, int dim) {
        float[] v = new float[dim];
        for (int d = 0; d < dim; d++) {
            v[d] = (float) random.nextGaussian();
        }
        return v;
    }
}
