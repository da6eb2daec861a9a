package dev.quiver.bench.hnsw;

import dev.quiver.simd.VectorOps;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * How close the float32 kernels come to this machine's memory bandwidth on vectors that do not fit in cache: one
 * thread streams a {@code rows x dim} float block front to back (the bandwidth a sequential read gets), then scores
 * rows picked at random with the kernels a search uses, eight at a time ({@code VectorOps.squareDistanceBulk}) and
 * one at a time, and eight at a time with two floats of each of the next eight rows loaded first (a touch ahead, in
 * place of the prefetch instruction Java lacks). For each: ns per row and the GB/s that makes. When random rows, eight at a time, come near the
 * sequential read's GB/s, a search on such data is bound by memory, and only fewer rows read per query (a better graph,
 * or SQ8 codes) can make it faster. Rounds alternate the modes, so the machine's drift hits all alike.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar \
 *   dev.quiver.bench.hnsw.RowReadProbe [rows=60000] [dim=784] [rounds=5] [millis=1000]
 * </pre>
 * The defaults are fashion-mnist's shape (188 MB of float32 vectors).
 */
public final class RowReadProbe {

    private RowReadProbe() {
    }

    public static void main(String[] args) {
        int rows = RunnerSupport.option(args, "rows", 60_000);
        int dim = RunnerSupport.option(args, "dim", 784);
        int rounds = RunnerSupport.option(args, "rounds", 5);
        long millis = RunnerSupport.option(args, "millis", 1000);
        long rowBytes = (long) dim * Float.BYTES;
        MemorySegment block = Arena.ofAuto().allocate(rowBytes * rows, 4096);
        SplittableRandom random = new SplittableRandom(42);
        for (long i = 0; i < (long) rows * dim; i++) {
            block.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) random.nextDouble());
        }
        float[] query = new float[dim];
        for (int i = 0; i < dim; i++) {
            query[i] = (float) random.nextDouble();
        }
        int[] picks = new int[1 << 16];
        for (int i = 0; i < picks.length; i++) {
            picks[i] = random.nextInt(rows);
        }
        System.out.printf(Locale.ROOT, "%d rows x %d floats (%.0f MB), %d rounds of %d ms per mode%n", rows, dim,
                rowBytes * rows / 1e6, rounds, millis);
        double[][] nsPerRow = new double[4][rounds];
        float sink = 0;
        for (int round = -1; round < rounds; round++) { // round -1 warms the JIT
            for (int mode = 0; mode < 4; mode++) {
                long start = System.nanoTime();
                long deadline = start + millis * 1_000_000;
                long done = 0;
                int at = 0;
                MemorySegment[] segs = new MemorySegment[8];
                long[] offs = new long[8];
                float[] out = new float[8];
                while (System.nanoTime() < deadline) {
                    switch (mode) {
                        case 0 -> { // stream: every row in order
                            for (int r = 0; r < rows; r += 8) {
                                int n = Math.min(8, rows - r);
                                for (int j = 0; j < n; j++) {
                                    segs[j] = block;
                                    offs[j] = (r + j) * rowBytes;
                                }
                                VectorOps.squareDistanceBulk(query, segs, offs, n, out);
                                sink += out[0];
                            }
                            done += rows;
                        }
                        case 1 -> { // random rows, eight per call
                            for (int c = 0; c < 1024; c++) {
                                for (int j = 0; j < 8; j++) {
                                    segs[j] = block;
                                    offs[j] = picks[at++ & (picks.length - 1)] * rowBytes;
                                }
                                VectorOps.squareDistanceBulk(query, segs, offs, 8, out);
                                sink += out[0];
                            }
                            done += 8 * 1024;
                        }
                        case 3 -> { // random rows, eight per call, the next eight rows' first lines touched first
                            for (int c = 0; c < 1024; c++) {
                                for (int j = 0; j < 8; j++) {
                                    segs[j] = block;
                                    offs[j] = picks[at++ & (picks.length - 1)] * rowBytes;
                                }
                                for (int j = 0; j < 8; j++) {
                                    long next = picks[(at + j) & (picks.length - 1)] * rowBytes;
                                    sink += block.get(ValueLayout.JAVA_FLOAT, next)
                                            + block.get(ValueLayout.JAVA_FLOAT, next + rowBytes / 2);
                                }
                                VectorOps.squareDistanceBulk(query, segs, offs, 8, out);
                                sink += out[0];
                            }
                            done += 8 * 1024;
                        }
                        default -> { // random rows, one per call
                            for (int c = 0; c < 8 * 1024; c++) {
                                sink += VectorOps.squareDistance(query, block,
                                        picks[at++ & (picks.length - 1)] * rowBytes);
                            }
                            done += 8 * 1024;
                        }
                    }
                }
                if (round >= 0) {
                    nsPerRow[mode][round] = (System.nanoTime() - start) / (double) done;
                }
            }
        }
        String[] names = {"sequential rows (stream)", "random rows, 8 per call", "random rows, 1 per call",
            "8 per call, next touched"};
        for (int mode = 0; mode < 4; mode++) {
            double ns = RunnerSupport.median(nsPerRow[mode]);
            System.out.printf(Locale.ROOT, "%-26s %8.1f ns per row  %6.2f GB/s  rounds %s%n", names[mode], ns,
                    rowBytes / ns, java.util.Arrays.toString(java.util.Arrays.stream(nsPerRow[mode])
                            .map(v -> Math.round(v * 10) / 10.0).toArray()));
        }
        System.out.println(sink == 42 ? "" : " "); // keeps the sums alive
    }
}
