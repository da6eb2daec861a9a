package dev.quiver.bench.hnsw;

import java.lang.management.ManagementFactory;

/**
 * What a fresh platform thread costs for the stack it touches, with no Quiver code at all: the control for
 * {@link ThreadModeRunner}'s platform-thread mode (issue #13 goal 3). A task recursing to a given depth runs on a new
 * platform thread per call and, for comparison, on the calling thread; the difference per depth is the first touch
 * of that much fresh stack (page faults). Round four took this for the cause of an insert's extra CPU on a new
 * platform thread; {@link FreshThreadFaultProbe} later counted such an insert's faults directly and found about one,
 * so Quiver's call chain does not reach fresh stack pages and that explanation was wrong (bench/results/session9.md).
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.quiver.bench.hnsw.FreshStackProbe [calls=3000] [rounds=4]</pre>
 */
public final class FreshStackProbe {

    private static final int[] DEPTHS = {0, 100, 400, 1600};
    private static long sink;

    private FreshStackProbe() {
    }

    public static void main(String[] args) throws InterruptedException {
        int calls = 3000;
        int rounds = 4;
        for (String a : args) {
            if (a.startsWith("calls=")) {
                calls = Integer.parseInt(a.substring(6));
            } else if (a.startsWith("rounds=")) {
                rounds = Integer.parseInt(a.substring(7));
            } else {
                throw new IllegalArgumentException("unknown argument " + a + " (calls=N rounds=N)");
            }
        }
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        System.out.println("depth  fresh-platform-us  same-thread-us  (process CPU per call; last round)");
        for (int round = 0; round < rounds; round++) {
            for (int depth : DEPTHS) {
                long c0 = os.getProcessCpuTime();
                for (int i = 0; i < calls; i++) {
                    int d = depth;
                    Thread.ofPlatform().start(() -> sink += recurse(d)).join();
                }
                long c1 = os.getProcessCpuTime();
                for (int i = 0; i < calls; i++) {
                    sink += recurse(depth);
                }
                long c2 = os.getProcessCpuTime();
                if (round == rounds - 1) {
                    System.out.printf("%5d  %17.1f  %14.1f%n", depth, (c1 - c0) / 1e3 / calls,
                            (c2 - c1) / 1e3 / calls);
                }
            }
        }
        if (sink == 42) {
            System.out.println();
        }
    }

    /** Enough live locals that each frame takes stack space (about 100 bytes compiled). */
    private static long recurse(int depth) {
        long a0 = depth;
        long a1 = depth * 3L;
        long a2 = depth * 7L;
        long a3 = depth ^ 5;
        long a4 = depth + 11;
        long a5 = depth * 13L;
        long a6 = depth - 1;
        long a7 = (long) depth << 2;
        if (depth == 0) {
            return a0 + a1;
        }
        long r = recurse(depth - 1);
        return r + a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7;
    }
}
