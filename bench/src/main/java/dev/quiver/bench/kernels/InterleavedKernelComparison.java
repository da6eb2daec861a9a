package dev.quiver.bench.kernels;

import dev.quiver.simd.ScalarVectorOps;
import dev.quiver.simd.VectorOps;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.lucene.util.VectorUtil;

/**
 * A companion to {@code DistanceBench} for a shared, noisy machine: every contender runs in short rounds that
 * alternate with the others in one JVM, so a burst of load from a neighbour hits all of them alike; the report gives
 * the median and the best round per contender and the ratios of medians. Not a replacement for JMH (no forks per
 * contender; all share one JIT profile), a cross-check of its ratios.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar
 * dev.quiver.bench.kernels.InterleavedKernelComparison 768 [streamMegabytes=512] [rounds=60]}
 */
public final class InterleavedKernelComparison {

    private static final ValueLayout.OfFloat LE_FLOAT =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static volatile long sink;

    private InterleavedKernelComparison() {
    }

    /** One contender: scores {@code n} candidates, returns a value to keep the work alive. */
    interface Contender {
        long run(int n);
    }

    public static void main(String[] args) {
        int dim = args.length > 0 ? Integer.parseInt(args[0]) : 768;
        long streamBytes = (args.length > 1 ? Long.parseLong(args[1]) : 512L) << 20;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 60;
        System.out.println("kernels: " + VectorOps.implementationName() + ", dim " + dim + ", stream "
                + (streamBytes >> 20) + " MB, rounds " + rounds);
        SplittableRandom r = new SplittableRandom(42);
        float[] a = floats(r, dim);
        float[] b = floats(r, dim);
        byte[] ca = codes(r, dim);
        byte[] cb = codes(r, dim);

        Map<String, Contender> hot = new LinkedHashMap<>();
        hot.put("f32 dot quiver", n -> loop(n, () -> Float.floatToRawIntBits(VectorOps.dot(a, b))));
        hot.put("f32 dot lucene", n -> loop(n, () -> Float.floatToRawIntBits(VectorUtil.dotProduct(a, b))));
        hot.put("f32 dot scalar", n -> loop(n, () -> Float.floatToRawIntBits(ScalarVectorOps.dot(a, b))));
        hot.put("f32 dot plain", n -> loop(n, () -> Float.floatToRawIntBits(PlainLoops.dot(a, b))));
        hot.put("f32 l2 quiver", n -> loop(n, () -> Float.floatToRawIntBits(VectorOps.squareDistance(a, b))));
        hot.put("f32 l2 lucene", n -> loop(n, () -> Float.floatToRawIntBits(VectorUtil.squareDistance(a, b))));
        hot.put("f32 cos quiver", n -> loop(n, () -> Float.floatToRawIntBits(VectorOps.cosineDistance(a, b))));
        hot.put("f32 cos lucene", n -> loop(n, () -> Float.floatToRawIntBits(VectorUtil.cosine(a, b))));
        hot.put("u8 l2 quiver", n -> loop(n, () -> VectorOps.squareDistanceU8(ca, cb)));
        hot.put("u8 l2 lucene", n -> loop(n, () -> VectorUtil.uint8SquareDistance(ca, cb)));
        hot.put("u8 l2 scalar", n -> loop(n, () -> ScalarVectorOps.squareDistanceU8(ca, cb)));
        hot.put("u8 l2 plain", n -> loop(n, () -> PlainLoops.squareDistanceU8(ca, cb)));
        hot.put("u8 dot quiver", n -> loop(n, () -> VectorOps.dotU8(ca, cb)));
        hot.put("u8 dot lucene", n -> loop(n, () -> VectorUtil.uint8DotProduct(ca, cb)));
        report("hot (one candidate, L1-resident), ns per call", measure(hot, 20_000, rounds));

        try (Arena arena = Arena.ofShared()) {
            int count = (int) (streamBytes / (4L * dim));
            MemorySegment vectors = arena.allocate(4L * dim * count, 64);
            MemorySegment codeSeg = arena.allocate((long) dim * count, 64);
            for (long i = 0, n = (long) dim * count; i < n; i++) {
                vectors.setAtIndex(LE_FLOAT, i, (float) r.nextDouble(-1, 1));
                codeSeg.set(ValueLayout.JAVA_BYTE, i, (byte) r.nextInt(256));
            }
            int[] order = shuffled(r, count);
            Cursor cur = new Cursor(order);
            float[] buf = new float[dim];
            byte[] cbuf = new byte[dim];
            int batch = 64;
            MemorySegment[] segsF = new MemorySegment[batch];
            MemorySegment[] segsC = new MemorySegment[batch];
            Arrays.fill(segsF, vectors);
            Arrays.fill(segsC, codeSeg);
            long[] offs = new long[batch];
            float[] outF = new float[batch];
            int[] outI = new int[batch];
            long stride = 4L * dim;
            Map<String, Contender> stream = new LinkedHashMap<>();
            stream.put("f32 l2 quiver", n -> loop(n, () -> Float.floatToRawIntBits(
                    VectorOps.squareDistance(a, vectors, cur.next() * stride))));
            stream.put("f32 l2 quiver bulk", n -> {
                long s = 0;
                for (int done = 0; done < n; done += batch) {
                    for (int c = 0; c < batch; c++) {
                        offs[c] = cur.next() * stride;
                    }
                    VectorOps.squareDistanceBulk(a, segsF, offs, batch, outF);
                    s += Float.floatToRawIntBits(outF[batch - 1]);
                }
                return s;
            });
            stream.put("f32 l2 lucene", n -> loop(n, () -> {
                MemorySegment.copy(vectors, LE_FLOAT, cur.next() * stride, buf, 0, dim);
                return Float.floatToRawIntBits(VectorUtil.squareDistance(a, buf));
            }));
            stream.put("u8 l2 quiver", n -> loop(n, () -> VectorOps.squareDistanceU8(ca, codeSeg,
                    (long) cur.next() * dim)));
            stream.put("u8 l2 quiver bulk", n -> {
                long s = 0;
                for (int done = 0; done < n; done += batch) {
                    for (int c = 0; c < batch; c++) {
                        offs[c] = (long) cur.next() * dim;
                    }
                    VectorOps.squareDistanceU8Bulk(ca, segsC, offs, batch, outI);
                    s += outI[batch - 1];
                }
                return s;
            });
            stream.put("u8 l2 lucene", n -> loop(n, () -> {
                MemorySegment.copy(codeSeg, ValueLayout.JAVA_BYTE, (long) cur.next() * dim, cbuf, 0, dim);
                return VectorUtil.uint8SquareDistance(ca, cbuf);
            }));
            report("streaming (" + count + " vectors, random order), ns per candidate",
                    measure(stream, 4096, rounds));
        }
    }

    /** Round-robin cursor over a pre-shuffled visiting order. */
    static final class Cursor {
        private final int[] order;
        private int at;

        Cursor(int[] order) {
            this.order = order;
        }

        int next() {
            int id = order[at];
            at = at + 1 == order.length ? 0 : at + 1;
            return id;
        }
    }

    interface Call {
        long call();
    }

    static long loop(int n, Call c) {
        long s = 0;
        for (int i = 0; i < n; i++) {
            s += c.call();
        }
        return s;
    }

    /** Per contender, ns per operation of each round; contenders alternate within every round. */
    static Map<String, double[]> measure(Map<String, Contender> contenders, int opsPerRound, int rounds) {
        Map<String, double[]> times = new LinkedHashMap<>();
        contenders.keySet().forEach(k -> times.put(k, new double[rounds]));
        int warmupRounds = Math.max(10, rounds / 3);
        for (int round = -warmupRounds; round < rounds; round++) {
            for (Map.Entry<String, Contender> e : contenders.entrySet()) {
                long t0 = System.nanoTime();
                sink += e.getValue().run(opsPerRound);
                long elapsed = System.nanoTime() - t0;
                if (round >= 0) {
                    times.get(e.getKey())[round] = (double) elapsed / opsPerRound;
                }
            }
        }
        return times;
    }

    static void report(String title, Map<String, double[]> times) {
        System.out.println();
        System.out.println(title);
        System.out.printf("%-22s %10s %10s%n", "contender", "median", "best");
        Map<String, Double> medians = new LinkedHashMap<>();
        for (Map.Entry<String, double[]> e : times.entrySet()) {
            double[] t = e.getValue().clone();
            Arrays.sort(t);
            double median = t[t.length / 2];
            medians.put(e.getKey(), median);
            System.out.printf("%-22s %10.2f %10.2f%n", e.getKey(), median, t[0]);
        }
        List<String> ratios = new ArrayList<>();
        for (String k : medians.keySet()) {
            if (k.endsWith(" quiver")) {
                String base = k.substring(0, k.length() - " quiver".length());
                Double lucene = medians.get(base + " lucene");
                if (lucene != null) {
                    ratios.add(String.format("%s quiver/lucene = %.2f", base, medians.get(k) / lucene));
                }
            }
        }
        ratios.forEach(System.out::println);
    }

    static float[] floats(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextDouble(-1, 1);
        }
        return v;
    }

    static byte[] codes(SplittableRandom r, int n) {
        byte[] v = new byte[n];
        for (int i = 0; i < n; i++) {
            v[i] = (byte) r.nextInt(256);
        }
        return v;
    }

    static int[] shuffled(SplittableRandom r, int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
