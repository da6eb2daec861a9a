package dev.quiver.bench.hnsw;

import dev.quiver.simd.VectorOps;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * What reading SQ8 codes costs against float32 rows of the same vectors when neither fits in cache: one thread
 * scores rows eight per call with the kernels a walk uses ({@code VectorOps.squareDistanceU8Bulk},
 * {@code VectorOps.squareDistanceBulk}), picked at random (as a beam picks them) or in order, and for the codes also
 * with every 64-byte line of the call's eight codes loaded first (a touch, in place of the prefetch instruction Java
 * lacks). Rounds alternate the modes. With {@code huge=true} both blocks are mapped anonymously and advised for 2 MiB
 * transparent huge pages (Linux), as the index's large slabs are. A cost per row that does not shrink with the row's
 * length shows as codes costing much more than a quarter of a float32 row.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar \
 *   dev.quiver.bench.hnsw.CodeReadProbe [rows=60000] [dim=768] [rounds=5] [millis=700] [huge=false]
 * </pre>
 * A code is {@code dim} bytes here (the index pads its records to whole lines with a few bytes more).
 */
public final class CodeReadProbe {

    private static final String[] MODES = {"codes, random", "codes, in order", "codes, random, lines touched first",
        "codes, in order, lines touched first", "float32, random", "float32, in order"};
    private static final int PICKS = 1 << 16;

    private CodeReadProbe() {
    }

    public static void main(String[] args) {
        int rows = RunnerSupport.option(args, "rows", 60_000);
        int dim = RunnerSupport.option(args, "dim", 768);
        int rounds = RunnerSupport.option(args, "rounds", 5);
        long millis = RunnerSupport.option(args, "millis", 700);
        boolean huge = Boolean.parseBoolean(RunnerSupport.option(args, "huge", "false"));
        long floatRow = (long) dim * Float.BYTES;
        MemorySegment codes = allocate((long) rows * dim, huge);
        MemorySegment floats = allocate(floatRow * rows, huge);
        SplittableRandom random = new SplittableRandom(42);
        for (long i = 0; i < (long) rows * dim; i++) {
            codes.set(ValueLayout.JAVA_BYTE, i, (byte) random.nextInt(256));
            floats.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) random.nextDouble());
        }
        byte[] codeQuery = new byte[dim];
        float[] floatQuery = new float[dim];
        for (int i = 0; i < dim; i++) {
            codeQuery[i] = (byte) random.nextInt(256);
            floatQuery[i] = (float) random.nextDouble();
        }
        int[] picks = new int[PICKS];
        Arrays.setAll(picks, i -> random.nextInt(rows));
        System.out.printf(Locale.ROOT, "%d rows x %d: codes %.0f MB, float32 %.0f MB, huge pages %s; %d rounds of %d ms"
                + " per mode%n", rows, dim, (double) rows * dim / 1e6, (double) floatRow * rows / 1e6, huge, rounds,
                millis);
        MemorySegment[] segs = new MemorySegment[8];
        long[] offs = new long[8];
        int[] codeOut = new int[8];
        float[] floatOut = new float[8];
        double[][] nsPerRow = new double[MODES.length][rounds];
        long sink = 0;
        for (int round = -1; round < rounds; round++) { // round -1 warms the JIT
            for (int mode = 0; mode < MODES.length; mode++) {
                boolean onCodes = mode < 4;
                boolean inOrder = mode % 2 == 1;
                boolean touch = mode == 2 || mode == 3;
                long start = System.nanoTime();
                long deadline = start + millis * 1_000_000;
                long done = 0;
                while (System.nanoTime() < deadline) {
                    for (int call = 0; call < 64; call++, done += 8) {
                        for (int j = 0; j < 8; j++) {
                            long row = inOrder ? (done + j) % rows : picks[(int) ((done + j) & (PICKS - 1))];
                            segs[j] = onCodes ? codes : floats;
                            offs[j] = row * (onCodes ? dim : floatRow);
                        }
                        if (onCodes) {
                            if (touch) {
                                for (int j = 0; j < 8; j++) {
                                    for (int i = 0; i < dim; i += 64) {
                                        sink += codes.get(ValueLayout.JAVA_BYTE, offs[j] + i);
                                    }
                                }
                            }
                            VectorOps.squareDistanceU8Bulk(codeQuery, segs, offs, 8, codeOut);
                            sink += codeOut[3];
                        } else {
                            VectorOps.squareDistanceBulk(floatQuery, segs, offs, 8, floatOut);
                            sink += (long) floatOut[3];
                        }
                    }
                }
                if (round >= 0) {
                    nsPerRow[mode][round] = (System.nanoTime() - start) / (double) done;
                }
            }
        }
        for (int mode = 0; mode < MODES.length; mode++) {
            double[] ns = nsPerRow[mode].clone();
            Arrays.sort(ns);
            System.out.printf(Locale.ROOT, "%-40s median %6.1f ns per row (rounds %s)%n", MODES[mode],
                    ns[ns.length / 2], Arrays.toString(Arrays.stream(nsPerRow[mode]).mapToLong(Math::round).toArray()));
        }
        System.out.println("(checksum " + sink + ")");
    }

    /** Zeroed memory: from an automatic arena, or on huge pages as the index's large slabs are. */
    private static MemorySegment allocate(long bytes, boolean huge) {
        return huge ? RunnerSupport.hugeAdvised(bytes, Arena.ofAuto()) : Arena.ofAuto().allocate(bytes, 4096);
    }
}
