package dev.quiver.bench.hnsw;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The control for {@link ThreadModeRunner}'s {@code SPAWN_THEN_WARMED} without any Quiver code: a memory-bound task
 * shaped like a 384-d graph search (about 1,000 reads of 1.5 KB at random places in a 64 MiB heap table) runs on
 * the warmed main thread, after nothing, after a fresh platform thread has started and been joined, and after a fresh
 * virtual thread has. If the task's own CPU grows after a platform thread's start and exit as much as a Quiver
 * search's does, that growth is what the thread's start and exit does to the process, not anything a search does.
 *
 * <p>Per mode: the process's CPU per call (all threads), median of the rounds; the task's own CPU after a spawn is
 * that minus the CPU of the spawn alone ({@code spawn_only}).
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.quiver.bench.hnsw.SpawnAftermathProbe [calls=2000] [rounds=7]
 * </pre>
 * Process CPU time ticks in 10 ms on Linux: 2,000 calls of about 200 us make 40 ticks per mode and round.
 */
public final class SpawnAftermathProbe {

    private enum Mode { WARMED, PLATFORM_THEN_TASK, VIRTUAL_THEN_TASK, PLATFORM_ONLY }

    /** 64 MiB: twice the last-level cache, so most reads miss it, as a large index's vectors do. */
    private static final int[] TABLE = new int[16 << 20];
    private static final int READS = 1_000;
    /** Ints per read: 384 floats' worth, touched one per 64-byte line. */
    private static final int ROW = 384;
    private static long sink;

    private SpawnAftermathProbe() {
    }

    public static void main(String[] args) throws InterruptedException {
        int calls = RunnerSupport.option(args, "calls", 2000);
        int rounds = RunnerSupport.option(args, "rounds", 7);
        SplittableRandom fill = new SplittableRandom(42);
        for (int i = 0; i < TABLE.length; i++) {
            TABLE[i] = fill.nextInt();
        }
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Mode[] modes = Mode.values();
        double[][] cpuPerCall = new double[modes.length][rounds];
        for (int round = -2; round < rounds; round++) { // two unmeasured rounds warm the JIT
            for (Mode mode : modes) {
                long cpu0 = os.getProcessCpuTime();
                for (int i = 0; i < calls; i++) {
                    switch (mode) {
                        case WARMED -> task(i);
                        case PLATFORM_THEN_TASK -> {
                            Thread.ofPlatform().start(() -> { }).join();
                            task(i);
                        }
                        case VIRTUAL_THEN_TASK -> {
                            Thread.ofVirtual().start(() -> { }).join();
                            task(i);
                        }
                        case PLATFORM_ONLY -> Thread.ofPlatform().start(() -> { }).join();
                    }
                }
                if (round >= 0) {
                    cpuPerCall[mode.ordinal()][round] = (os.getProcessCpuTime() - cpu0) / 1e3 / calls;
                }
            }
        }
        double[] median = new double[modes.length];
        for (Mode mode : modes) {
            median[mode.ordinal()] = RunnerSupport.median(cpuPerCall[mode.ordinal()]);
            System.out.printf(Locale.ROOT, "mode=%-18s cpu_us_per_call=%.1f  rounds=%s%n",
                    mode.name().toLowerCase(Locale.ROOT), median[mode.ordinal()],
                    Arrays.toString(Arrays.stream(cpuPerCall[mode.ordinal()]).mapToLong(Math::round).toArray()));
        }
        double warmed = median[Mode.WARMED.ordinal()];
        double afterPlatform = median[Mode.PLATFORM_THEN_TASK.ordinal()] - median[Mode.PLATFORM_ONLY.ordinal()];
        System.out.printf(Locale.ROOT, "task's own CPU after a platform thread's start and join: %.1f us against %.1f"
                + " warmed (%.3fx)%s%n", afterPlatform, warmed, afterPlatform / warmed, sink == 42 ? " " : "");
    }

    /** About {@code READS} random reads of a 1.5 KB row, one int per cache line. */
    private static void task(int seed) {
        int x = seed * 0x9E3779B1;
        long sum = 0;
        int span = TABLE.length - ROW;
        for (int r = 0; r < READS; r++) {
            x = x * 1103515245 + 12345;
            int at = (x >>> 1) % span;
            for (int j = 0; j < ROW; j += 16) {
                sum += TABLE[at + j];
            }
        }
        sink += sum;
    }
}
