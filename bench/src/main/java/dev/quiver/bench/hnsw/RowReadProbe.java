package dev.quiver.bench.hnsw;

import dev.quiver.simd.VectorOps;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * How close the kernels come to this machine's memory on vectors that do not fit in cache: one thread streams a
 * {@code rows x dim} float block front to back (the bandwidth a sequential read gets), then scores rows picked at
 * random with the kernels a search uses, eight at a time ({@code VectorOps.squareDistanceBulk}) and one at a time,
 * and eight at a time with two floats of each of the next eight rows loaded first (a touch ahead, in place of the
 * prefetch instruction Java lacks). For each: ns per row and the GB/s that makes. When random rows, eight at a time,
 * come near the sequential read's GB/s, a search on such data is bound by memory, and only fewer rows read per query
 * (a better graph, or SQ8 codes) can make it faster. Rounds alternate the modes, so the machine's drift hits all alike.
 *
 * <p>With {@code codes=true} it also scores {@code dim}-byte SQ8 codes of as many rows, eight per call
 * ({@code VectorOps.squareDistanceU8Bulk}), picked at random or in order, each also with every 64-byte line of the
 * call's eight codes loaded first: a cost per row that does not shrink with the row's length shows as a code costing
 * much more than a quarter of a float32 row. With {@code huge=true} both blocks are advised for 2 MiB transparent huge
 * pages before their first touch (Linux), as the index's large slabs are.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar \
 *   dev.quiver.bench.hnsw.RowReadProbe [rows=60000] [dim=784] [rounds=5] [millis=1000] [codes=false] [huge=false]
 * </pre>
 * The defaults are fashion-mnist's shape (188 MB of float32 vectors).
 */
public final class RowReadProbe {

    /** One way of reading rows: scores some and returns how many. */
    private interface Mode {
        long run(Blocks b);
    }

    /** The data, the queries and the scratch every mode shares. */
    private static final class Blocks {
        final int rows;
        final int dim;
        final long rowBytes;
        final MemorySegment floats;
        final MemorySegment codes;
        final float[] query;
        final byte[] codeQuery;
        final int[] picks = new int[1 << 16];
        final MemorySegment[] segs = new MemorySegment[8];
        final long[] offs = new long[8];
        final float[] out = new float[8];
        final int[] codeOut = new int[8];
        int at;
        long inOrder;
        double sink;

        Blocks(int rows, int dim, boolean codes, boolean huge) {
            this.rows = rows;
            this.dim = dim;
            rowBytes = (long) dim * Float.BYTES;
            floats = allocate(rowBytes * rows, huge);
            this.codes = codes ? allocate((long) dim * rows, huge) : null;
            SplittableRandom random = new SplittableRandom(42);
            for (long i = 0; i < (long) rows * dim; i++) {
                floats.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) random.nextDouble());
                if (codes) {
                    this.codes.set(ValueLayout.JAVA_BYTE, i, (byte) random.nextInt(256));
                }
            }
            query = new float[dim];
            codeQuery = new byte[dim];
            for (int i = 0; i < dim; i++) {
                query[i] = (float) random.nextDouble();
                codeQuery[i] = (byte) random.nextInt(256);
            }
            for (int i = 0; i < picks.length; i++) {
                picks[i] = random.nextInt(rows);
            }
        }

        long nextPick() {
            return picks[at++ & (picks.length - 1)];
        }

        private static MemorySegment allocate(long bytes, boolean huge) {
            return huge ? RunnerSupport.hugeAdvised(bytes, Arena.ofAuto()) : Arena.ofAuto().allocate(bytes, 4096);
        }
    }

    private RowReadProbe() {
    }

    public static void main(String[] args) {
        int rows = RunnerSupport.option(args, "rows", 60_000);
        int dim = RunnerSupport.option(args, "dim", 784);
        int rounds = RunnerSupport.option(args, "rounds", 5);
        long millis = RunnerSupport.option(args, "millis", 1000);
        boolean codes = Boolean.parseBoolean(RunnerSupport.option(args, "codes", "false"));
        boolean huge = Boolean.parseBoolean(RunnerSupport.option(args, "huge", "false"));
        Blocks b = new Blocks(rows, dim, codes, huge);
        List<String> names = new ArrayList<>(List.of("sequential rows (stream)", "random rows, 8 per call",
                "random rows, 1 per call", "8 per call, next touched"));
        List<Mode> modes = new ArrayList<>(List.of(RowReadProbe::stream, RowReadProbe::randomEight,
                RowReadProbe::randomOne, RowReadProbe::randomEightNextTouched));
        if (codes) {
            names.addAll(List.of("codes, random", "codes, in order", "codes, random, touched",
                    "codes, in order, touched"));
            modes.addAll(List.of(x -> codeCalls(x, false, false), x -> codeCalls(x, true, false),
                    x -> codeCalls(x, false, true), x -> codeCalls(x, true, true)));
        }
        System.out.printf(Locale.ROOT, "%d rows x %d floats (%.0f MB)%s, huge pages %s, %d rounds of %d ms per mode%n",
                rows, dim, b.rowBytes * rows / 1e6, codes ? String.format(Locale.ROOT, " and %d-byte codes (%.0f MB)",
                        dim, (double) dim * rows / 1e6) : "", huge, rounds, millis);
        double[][] nsPerRow = new double[modes.size()][rounds];
        for (int round = -1; round < rounds; round++) { // round -1 warms the JIT
            for (int mode = 0; mode < modes.size(); mode++) {
                long start = System.nanoTime();
                long deadline = start + millis * 1_000_000;
                long done = 0;
                while (System.nanoTime() < deadline) {
                    done += modes.get(mode).run(b);
                }
                if (round >= 0) {
                    nsPerRow[mode][round] = (System.nanoTime() - start) / (double) done;
                }
            }
        }
        for (int mode = 0; mode < modes.size(); mode++) {
            double ns = RunnerSupport.median(nsPerRow[mode]);
            long bytes = mode < 4 ? b.rowBytes : dim;
            System.out.printf(Locale.ROOT, "%-26s %8.1f ns per row  %6.2f GB/s  rounds %s%n", names.get(mode), ns,
                    bytes / ns, java.util.Arrays.toString(java.util.Arrays.stream(nsPerRow[mode])
                            .map(v -> Math.round(v * 10) / 10.0).toArray()));
        }
        System.out.println(b.sink == 42 ? "" : " "); // keeps the sums alive
    }

    /** Every row in order, eight per call. */
    private static long stream(Blocks b) {
        for (int r = 0; r < b.rows; r += 8) {
            int n = Math.min(8, b.rows - r);
            for (int j = 0; j < n; j++) {
                b.segs[j] = b.floats;
                b.offs[j] = (r + j) * b.rowBytes;
            }
            VectorOps.squareDistanceBulk(b.query, b.segs, b.offs, n, b.out);
            b.sink += b.out[0];
        }
        return b.rows;
    }

    /** Random rows, eight per call. */
    private static long randomEight(Blocks b) {
        for (int c = 0; c < 1024; c++) {
            for (int j = 0; j < 8; j++) {
                b.segs[j] = b.floats;
                b.offs[j] = b.nextPick() * b.rowBytes;
            }
            VectorOps.squareDistanceBulk(b.query, b.segs, b.offs, 8, b.out);
            b.sink += b.out[0];
        }
        return 8 * 1024;
    }

    /** Random rows, one per call. */
    private static long randomOne(Blocks b) {
        for (int c = 0; c < 8 * 1024; c++) {
            b.sink += VectorOps.squareDistance(b.query, b.floats, b.nextPick() * b.rowBytes);
        }
        return 8 * 1024;
    }

    /** Random rows, eight per call, two floats of each of the next eight rows loaded first. */
    private static long randomEightNextTouched(Blocks b) {
        for (int c = 0; c < 1024; c++) {
            for (int j = 0; j < 8; j++) {
                b.segs[j] = b.floats;
                b.offs[j] = b.nextPick() * b.rowBytes;
            }
            for (int j = 0; j < 8; j++) {
                long next = b.picks[(b.at + j) & (b.picks.length - 1)] * b.rowBytes;
                b.sink += b.floats.get(ValueLayout.JAVA_FLOAT, next)
                        + b.floats.get(ValueLayout.JAVA_FLOAT, next + b.rowBytes / 2);
            }
            VectorOps.squareDistanceBulk(b.query, b.segs, b.offs, 8, b.out);
            b.sink += b.out[0];
        }
        return 8 * 1024;
    }

    /** Codes eight per call, random or in order, optionally with every line of the call's eight loaded first. */
    private static long codeCalls(Blocks b, boolean inOrder, boolean touch) {
        for (int c = 0; c < 1024; c++) {
            for (int j = 0; j < 8; j++) {
                b.segs[j] = b.codes;
                b.offs[j] = (inOrder ? b.inOrder++ % b.rows : b.nextPick()) * b.dim;
            }
            if (touch) {
                long t = 0;
                for (int j = 0; j < 8; j++) {
                    for (int i = 0; i < b.dim; i += 64) {
                        t += b.codes.get(ValueLayout.JAVA_BYTE, b.offs[j] + i);
                    }
                }
                b.sink += t;
            }
            VectorOps.squareDistanceU8Bulk(b.codeQuery, b.segs, b.offs, 8, b.codeOut);
            b.sink += b.codeOut[0];
        }
        return 8 * 1024;
    }
}
