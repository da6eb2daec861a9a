package dev.quiver.bench.hnsw;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * Counts the inter-processor interrupts that starting and joining one thread sends through the machine: TLB
 * shootdowns (another core's address translations thrown away) and function-call interrupts, from the machine-wide
 * counters in Linux's {@code /proc/interrupts}. {@link ThreadModeRunner}'s control {@code SPAWN_THEN_WARMED} shows
 * that a warmed thread's next search costs as much more after a fresh platform thread has started and ended as a
 * search on that fresh thread does; this probe shows one way a thread's start and exit reaches other threads: the
 * C library and the JVM map, protect and release the new thread's stack, and each such change flushes the TLBs of
 * every core running the process. A virtual thread's start and a plain pause are the controls.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.quiver.bench.hnsw.ThreadSpawnInterruptProbe [calls=2000] [rounds=4]
 * </pre>
 * The counters are the whole machine's, so run it on a quiet one. Linux only; prints a message and exits elsewhere.
 */
public final class ThreadSpawnInterruptProbe {

    private static final Path INTERRUPTS = Path.of("/proc/interrupts");
    private static final String[] COUNTERS = {"TLB:", "CAL:", "RES:"};

    private enum Mode { PAUSE_100_US, VIRTUAL_THREAD, PLATFORM_THREAD }

    private ThreadSpawnInterruptProbe() {
    }

    public static void main(String[] args) throws Exception {
        if (!Files.isReadable(INTERRUPTS) || interrupts()[0] < 0) {
            System.out.println("ThreadSpawnInterruptProbe: no TLB counter in /proc/interrupts here (Linux x86 only);"
                    + " skipped");
            return;
        }
        int calls = RunnerSupport.option(args, "calls", 2000);
        int rounds = RunnerSupport.option(args, "rounds", 4);
        for (int round = 1; round <= rounds; round++) { // the first round warms the JIT
            for (Mode mode : Mode.values()) {
                long[] before = interrupts();
                long t0 = System.nanoTime();
                for (int i = 0; i < calls; i++) {
                    switch (mode) {
                        case PAUSE_100_US -> LockSupport.parkNanos(100_000);
                        case VIRTUAL_THREAD -> Thread.ofVirtual().start(() -> { }).join();
                        case PLATFORM_THREAD -> Thread.ofPlatform().start(() -> { }).join();
                    }
                }
                double micros = (System.nanoTime() - t0) / 1e3 / calls;
                long[] after = interrupts();
                System.out.printf(Locale.ROOT, "round %d %-15s per call: TLB shootdowns %.2f, function-call"
                                + " interrupts %.2f, rescheduling interrupts %.2f; %.1f us wall%n",
                        round, mode.name().toLowerCase(Locale.ROOT), (after[0] - before[0]) / (double) calls,
                        (after[1] - before[1]) / (double) calls, (after[2] - before[2]) / (double) calls, micros);
            }
        }
    }

    /** Sums over all CPUs of the TLB, CAL and RES lines; -1 for a line the kernel does not have. */
    private static long[] interrupts() throws IOException {
        long[] sums = {-1, -1, -1};
        for (String line : Files.readAllLines(INTERRUPTS)) {
            String[] fields = line.trim().split("\\s+");
            for (int c = 0; c < COUNTERS.length; c++) {
                if (fields[0].equals(COUNTERS[c])) {
                    long sum = 0;
                    for (int i = 1; i < fields.length && fields[i].chars().allMatch(Character::isDigit); i++) {
                        sum += Long.parseLong(fields[i]);
                    }
                    sums[c] = sum;
                }
            }
        }
        return sums;
    }
}
