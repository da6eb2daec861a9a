package dev.quiver.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The SQ8 codec kernels of every available implementation, for every length from 0 to 200 so whole vectors, vectors
 * plus a tail and tails alone all run. Encoding ({@code quantizeU8}) against the textbook loop (Math.round, then clamp
 * to [0, 255], counting the clamped), with values at and next to the rounding and clamping edges, NaN and infinities;
 * the residual ({@code residualSquaredU8}) against a double-precision sum, and exactly zero where the codes are exact.
 */
@Tag("scalar-path")
class U8CodecTest {

    /** Values of {@code (v - offset) * invScale} (with offset 0, invScale 1) where rounding or clamping changes. */
    private static final float[] EDGES = {
        -0.5f, Math.nextDown(-0.5f), Math.nextUp(-0.5f), 0f, -0f, 0.5f, Math.nextDown(0.5f), Math.nextUp(0.5f),
        0.49999997f, 1.5f, Math.nextDown(1.5f), 2.5f, 127.5f, Math.nextDown(127.5f), 254.5f, 255f, 255.49998f,
        255.5f, Math.nextDown(255.5f), 256f, 1e30f, -1e30f, 3e9f, -3e9f, Float.NaN, Float.POSITIVE_INFINITY,
        Float.NEGATIVE_INFINITY, Float.MIN_VALUE, -Float.MIN_VALUE, 8388607.5f, 16777216f, Math.nextUp(1.5f),
        Math.nextUp(254.5f), Math.nextDown(254.5f), Float.intBitsToFloat(0x7fc00001), Float.intBitsToFloat(0xffc00000),
        Float.MAX_VALUE, -Float.MAX_VALUE, 2147483648f, -2147483904f,
    };
    private static final byte SENTINEL = 0x5A;

    @Test
    void matchesTheTextbookLoop() {
        long seed = KernelImplementations.seed();
        SplittableRandom random = new SplittableRandom(seed);
        for (DistanceKernels kernels : KernelImplementations.available()) {
            for (int dim = 0; dim <= 200; dim++) {
                for (int trial = 0; trial < 4; trial++) {
                    float[] v = new float[dim];
                    float[] offsets = new float[dim];
                    float invScale = trial == 0 ? 1f : (float) (1 / random.nextDouble(0.001, 2));
                    for (int d = 0; d < dim; d++) {
                        if (trial == 0) {
                            v[d] = EDGES[random.nextInt(EDGES.length)];
                        } else {
                            v[d] = (float) random.nextDouble(-1, 1) * (trial == 3 ? 400 : 1);
                            offsets[d] = (float) random.nextDouble(-0.5, 0.5);
                        }
                    }
                    byte[] expected = new byte[dim];
                    byte[] actual = new byte[dim + 3];
                    java.util.Arrays.fill(actual, SENTINEL);
                    int expectedClamped = textbook(v, offsets, invScale, expected);
                    int clamped = kernels.quantizeU8(v, offsets, invScale, actual);
                    String where = kernels.name() + ", seed " + seed + ", dim " + dim + ", trial " + trial;
                    assertArrayEquals(expected, java.util.Arrays.copyOf(actual, dim), where);
                    assertEquals(expectedClamped, clamped, where);
                    for (int d = dim; d < actual.length; d++) {
                        assertEquals(SENTINEL, actual[d], where + ": wrote past the length at " + d);
                    }
                }
            }
        }
    }

    @Test
    void everyEdgeInEveryLane() {
        for (DistanceKernels kernels : KernelImplementations.available()) {
            for (float edge : EDGES) {
                for (int dim : new int[] {1, 7, 8, 15, 16, 17, 31, 32, 33, 64, 100}) {
                    for (int at = 0; at < dim; at++) {
                        float[] v = new float[dim];
                        java.util.Arrays.fill(v, 3.25f);
                        v[at] = edge;
                        byte[] expected = new byte[dim];
                        byte[] actual = new byte[dim];
                        int expectedClamped = textbook(v, new float[dim], 1f, expected);
                        assertEquals(expectedClamped, kernels.quantizeU8(v, new float[dim], 1f, actual),
                                kernels.name() + ", " + edge + " at " + at + " of " + dim);
                        assertArrayEquals(expected, actual, kernels.name() + ", " + edge + " at " + at + " of " + dim);
                    }
                }
            }
        }
    }

    /**
     * The tests above run each kernel a few thousand times, before the JIT's optimizing compiler takes over; until
     * then the Vector API runs its plain-Java lane loops, whose edge cases (NaN through min/max, float-to-int
     * conversion, narrowing to bytes) are not the CPU instructions'. This runs the encoder long enough to be
     * compiled (30,000 calls, the optimizing tier comes after about 15,000 invocations and loop iterations) and
     * checks every call's output against the textbook loop, edge values in every lane.
     */
    @Test
    void compiledEncoderStillMatches() {
        long seed = KernelImplementations.seed();
        SplittableRandom random = new SplittableRandom(seed ^ 0xC0DEL);
        for (DistanceKernels kernels : KernelImplementations.available()) {
            float[][] inputs = new float[64][];
            for (int i = 0; i < inputs.length; i++) {
                inputs[i] = new float[17 + random.nextInt(240)];
                for (int d = 0; d < inputs[i].length; d++) {
                    inputs[i][d] = random.nextInt(3) == 0 ? EDGES[random.nextInt(EDGES.length)]
                            : (float) random.nextDouble(-20, 280);
                }
            }
            for (int call = 0; call < 30_000; call++) {
                float[] v = inputs[call % inputs.length];
                byte[] expected = new byte[v.length];
                byte[] actual = new byte[v.length];
                float[] offsets = new float[v.length];
                int expectedClamped = textbook(v, offsets, 1f, expected);
                int clamped = kernels.quantizeU8(v, offsets, 1f, actual);
                if (clamped != expectedClamped || !java.util.Arrays.equals(expected, actual)) {
                    assertArrayEquals(expected, actual, kernels.name() + ", seed " + seed + ", call " + call);
                    assertEquals(expectedClamped, clamped, kernels.name() + ", seed " + seed + ", call " + call);
                }
            }
        }
    }

    /** Where int vectors have eight lanes or more, the Panama kernels must take the SIMD path, not the scalar one. */
    @Test
    void panamaKernelsUseTheLanesWhereTheyExist() {
        if (KernelImplementations.available().size() > 1) {
            assertEquals(PanamaKernels.IL >= 8, U8Codec.SIMD, "int lanes " + PanamaKernels.IL);
        }
    }

    /** The encoder as first written: Math.round, then clamp, NaN to 0. */
    private static int textbook(float[] v, float[] offsets, float invScale, byte[] out) {
        int clamped = 0;
        for (int d = 0; d < v.length; d++) {
            float c = Math.round((v[d] - offsets[d]) * invScale);
            if (c < 0f) {
                c = 0f;
                clamped++;
            } else if (c > 255f) {
                c = 255f;
                clamped++;
            } else if (c != c) {
                c = 0f;
            }
            out[d] = (byte) (int) c;
        }
        return clamped;
    }

    @Test
    void residualMatchesADoubleSum() {
        long seed = KernelImplementations.seed();
        SplittableRandom random = new SplittableRandom(seed);
        for (DistanceKernels kernels : KernelImplementations.available()) {
            for (int dim = 0; dim <= 200; dim++) {
                float[] v = new float[dim];
                float[] offsets = new float[dim];
                byte[] code = new byte[dim];
                float scale = (float) random.nextDouble(0.001, 0.1);
                for (int d = 0; d < dim; d++) {
                    offsets[d] = (float) random.nextDouble(-1, 0);
                    v[d] = (float) random.nextDouble(-1.2, 20); // some far outside the codes' range
                }
                kernels.quantizeU8(v, offsets, 1f / scale, code);
                double expected = 0;
                for (int d = 0; d < dim; d++) {
                    double e = v[d] - ((double) offsets[d] + (double) scale * (code[d] & 0xFF));
                    expected += e * e;
                }
                float actual = kernels.residualSquaredU8(v, offsets, scale, code);
                assertEquals(expected, actual, 1e-4 * expected + 1e-12, // float terms: ~1e-5 relative
                        kernels.name() + ", seed " + seed + ", dim " + dim);
            }
        }
    }

    @Test
    void residualIsZeroWhereTheCodesAreExact() {
        for (DistanceKernels kernels : KernelImplementations.available()) {
            for (int dim : new int[] {1, 15, 16, 17, 100, 784}) {
                float[] pixels = new float[dim];
                byte[] code = new byte[dim];
                float[] offsets = new float[dim];
                for (int d = 0; d < dim; d++) {
                    offsets[d] = -(d % 7) + 3; // integer offsets, some negative
                    pixels[d] = offsets[d] + (d * 37) % 256;
                }
                assertEquals(0, kernels.quantizeU8(pixels, offsets, 1f, code));
                assertEquals(0f, kernels.residualSquaredU8(pixels, offsets, 1f, code), kernels.name() + ", " + dim);
                pixels[dim / 2] += 0.25f; // between two steps
                assertEquals(0.0625f, kernels.residualSquaredU8(pixels, offsets, 1f, code), 1e-7f,
                        kernels.name() + ", " + dim);
            }
        }
    }
}
