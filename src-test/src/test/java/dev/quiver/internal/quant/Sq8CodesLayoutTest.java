package dev.quiver.internal.quant;

import dev.quiver.Metric;
import dev.quiver.simd.VectorOps;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SQ8 record layout against a model: the plain code, the quantizer's correction and the float32 norm computed
 * independently, and the u8 kernels over the padded record against the same sums over the {@code dim} code bytes.
 * Dimensions around every padding boundary (room for the two floats inside the padding or not).
 */
class Sq8CodesLayoutTest {

    private static final int[] DIMS = {1, 7, 55, 56, 57, 63, 64, 65, 100, 120, 121, 128, 129, 383, 384, 385};

    @Test
    void recordsArePaddedToWholeLinesWithRoomForTheInnerProductTerms() {
        for (int dim : DIMS) {
            int code = Sq8Codes.codeBytes(dim);
            assertEquals(0, code % 64, "dim " + dim);
            assertTrue(code >= dim && code < dim + 64, "dim " + dim + ": " + code);
            assertEquals(code, Sq8Codes.recordBytes(dim, Metric.EUCLIDEAN), "dim " + dim);
            for (Metric m : new Metric[] {Metric.COSINE, Metric.DOT_PRODUCT}) {
                int record = Sq8Codes.recordBytes(dim, m);
                assertEquals(0, record % 64, "dim " + dim + " " + m);
                assertTrue(record >= dim + 8 && record < dim + 8 + 64, "dim " + dim + " " + m + ": " + record);
                assertTrue(record >= code, "dim " + dim);
            }
        }
    }

    @Test
    void recordsHoldTheCodeTermsAndZerosAndTheKernelsSeeOnlyTheCode() {
        long seed = 0x5EC0DE5L;
        for (int dim : DIMS) {
            for (Metric metric : Metric.values()) {
                SplittableRandom rnd = new SplittableRandom(seed + dim * 31L + metric.ordinal());
                String where = "seed " + seed + ", dim " + dim + ", " + metric;
                float[][] v = new float[300][dim];
                for (float[] row : v) {
                    for (int d = 0; d < dim; d++) {
                        row[d] = (float) (rnd.nextGaussian() * (1 + d % 5) + (d % 3) * 0.5);
                    }
                }
                Sq8Quantizer q = Sq8Quantizer.train(dim, 200, i -> v[i]); // the last 100 may clamp
                try (Sq8Codes codes = new Sq8Codes(q, metric)) {
                    codes.ensureCapacity(v.length);
                    byte[] scratch = codes.newScratch();
                    // Dirty scratch: encode must not leak a previous record's bytes into the padding.
                    java.util.Arrays.fill(scratch, (byte) 0x7F);
                    for (int s = 0; s < v.length; s++) {
                        codes.encode(s, v[s], scratch, false);
                    }
                    byte[] query = new byte[codes.codeBytes()];
                    java.util.Arrays.fill(query, (byte) 0x55);
                    float[] qv = v[rnd.nextInt(v.length)].clone();
                    qv[0] += 0.25f;
                    codes.encodeQuery(qv, query);
                    byte[] queryCode = new byte[dim];
                    q.encode(qv, queryCode);
                    for (int d = dim; d < query.length; d++) {
                        assertEquals(0, query[d], where + ": query padding at " + d);
                    }
                    for (int s = 0; s < v.length; s++) {
                        byte[] expected = new byte[dim];
                        q.encode(v[s], expected);
                        MemorySegment chunk = codes.chunk(s);
                        long off = codes.offset(s);
                        byte[] stored = new byte[codes.recordBytes()];
                        MemorySegment.copy(chunk, ValueLayout.JAVA_BYTE, off, stored, 0, stored.length);
                        assertArrayEquals(expected, java.util.Arrays.copyOf(stored, dim), where + ", slot " + s);
                        int termsAt = metric == Metric.EUCLIDEAN ? stored.length : stored.length - 8;
                        for (int d = dim; d < termsAt; d++) {
                            assertEquals(0, stored[d], where + ", slot " + s + ": padding at " + d);
                        }
                        if (metric != Metric.EUCLIDEAN) {
                            assertEquals(q.correction(expected), codes.correction(s), where + ", slot " + s);
                            assertEquals(q.correction(expected), codes.correction(chunk, off), where);
                            float norm = (float) Math.sqrt(VectorOps.normSquared(v[s]));
                            assertEquals(norm, codes.norm(chunk, off), where + ", slot " + s);
                        }
                        int dot = 0;
                        int l2 = 0;
                        for (int d = 0; d < dim; d++) {
                            int a = Byte.toUnsignedInt(queryCode[d]);
                            int b = Byte.toUnsignedInt(expected[d]);
                            dot += a * b;
                            l2 += (a - b) * (a - b);
                        }
                        assertEquals(dot, VectorOps.dotU8(query, chunk, off), where + ", slot " + s + ": dot");
                        if (metric == Metric.EUCLIDEAN) {
                            assertEquals(l2, VectorOps.squareDistanceU8(query, chunk, off), where + ", slot " + s);
                        }
                    }
                }
            }
        }
    }

    @Test
    void savedRecordsOfAnotherLayoutAreRefused() {
        Sq8Quantizer q = new Sq8Quantizer(new float[100], 0.01f);
        try (var wrong = dev.quiver.storage.ByteRecordSlab.allocate(100)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new Sq8Codes(q, Metric.COSINE, wrong));
            assertTrue(e.getMessage().contains("100 bytes") && e.getMessage().contains("128"), e.getMessage());
        }
    }

    @Test
    void sq8IsRefusedWhereItsIntegerSumsWouldOverflow() {
        int max = Sq8Codes.MAX_DIM;
        assertEquals(max, Sq8Codes.codeBytes(max), "the limit is a whole number of lines");
        // The largest sum the kernels can meet there: every code and query byte 255.
        byte[] all = new byte[Sq8Codes.codeBytes(max)];
        java.util.Arrays.fill(all, (byte) 255);
        assertEquals((long) max * 255 * 255, VectorOps.dotU8(all, all), "exact at the limit");
        assertTrue(Sq8Codes.supports(max) && !Sq8Codes.supports(max + 1));
        dev.quiver.Config.dim(max).quantize(true);
        dev.quiver.InvalidArgumentException e = assertThrows(dev.quiver.InvalidArgumentException.class,
                () -> dev.quiver.Config.dim(max + 1).quantize(true));
        assertTrue(e.getMessage().contains(String.valueOf(max + 1)), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new Sq8Codes(new Sq8Quantizer(new float[max + 1], 0.01f), Metric.COSINE));
    }
}
