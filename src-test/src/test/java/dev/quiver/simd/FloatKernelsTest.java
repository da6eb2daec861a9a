package dev.quiver.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every float kernel of every available implementation against a double-precision reference, at lengths that run
 * each loop of the SIMD kernels (unrolled body, one-vector tail, scalar tail) alone and in combination.
 *
 * <p>Tolerance: a float sum of n products, in any order and with or without FMA, is within
 * {@code (n + 2) u Σ|terms|} of the exact sum (u = 2^-24, the classic γ bound); we allow twice that.
 */
@Tag("scalar-path")
class FloatKernelsTest {

    static final int[] LENGTHS = IntStream.concat(IntStream.rangeClosed(1, 65),
            IntStream.of(100, 127, 128, 129, 383, 384, 385, 768, 769, 1024, 1536)).toArray();

    enum Values { RANDOM, ZEROS, LARGE, NEGATIVE }

    private static final double U = 0x1p-24;

    static float[] vector(SplittableRandom r, int n, Values kind) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = switch (kind) {
                case RANDOM -> (float) r.nextDouble(-1.0, 1.0);
                case ZEROS -> 0f;
                // Magnitudes 1e3..1e6 with both signs: products reach 1e12, sums stay far from float overflow.
                case LARGE -> (float) (Math.pow(10, r.nextDouble(3, 6)) * (r.nextBoolean() ? 1 : -1));
                case NEGATIVE -> (float) -r.nextDouble(0.01, 10.0);
            };
        }
        return v;
    }

    static double bound(int n, double absSum) {
        return 2.0 * (n + 2) * U * absSum + Double.MIN_NORMAL;
    }

    static void assertClose(double expected, double absSum, float actual, int n, String what) {
        double tol = bound(n, absSum);
        assertTrue(Math.abs(expected - actual) <= tol,
                () -> what + ": expected " + expected + " got " + actual + " (tolerance " + tol + ")");
    }

    @Test
    void dotMatchesDoubleReference() {
        forAll((k, a, b, ctx) -> {
            double ref = 0, abs = 0;
            for (int i = 0; i < a.length; i++) {
                ref += (double) a[i] * b[i];
                abs += Math.abs((double) a[i] * b[i]);
            }
            assertClose(ref, abs, k.dot(a, b), a.length, ctx + " dot");
        });
    }

    @Test
    void squareDistanceMatchesDoubleReference() {
        forAll((k, a, b, ctx) -> {
            double ref = 0;
            for (int i = 0; i < a.length; i++) {
                double d = (double) a[i] - b[i];
                ref += d * d;
            }
            // All terms are non-negative, so Σ|terms| is the result itself; the float subtraction adds one rounding.
            assertClose(ref, ref, k.squareDistance(a, b), a.length + 2, ctx + " squareDistance");
        });
    }

    @Test
    void normSquaredMatchesDoubleReference() {
        forAll((k, a, b, ctx) -> {
            double ref = 0;
            for (float x : a) {
                ref += (double) x * x;
            }
            assertClose(ref, ref, k.normSquared(a), a.length, ctx + " normSquared");
        });
    }

    @Test
    void cosineDistanceMatchesDoubleReference() {
        forAll((k, a, b, ctx) -> {
            double ab = 0, aa = 0, bb = 0;
            for (int i = 0; i < a.length; i++) {
                ab += (double) a[i] * b[i];
                aa += (double) a[i] * a[i];
                bb += (double) b[i] * b[i];
            }
            double ref;
            if (aa == 0 || bb == 0) {
                ref = aa == 0 && bb == 0 ? 0 : 1;
            } else {
                ref = Math.min(2, Math.max(0, 1 - ab / Math.sqrt(aa * bb)));
            }
            // |dot| error <= γ Σ|ab| <= γ |a||b| (Cauchy-Schwarz), so the distance is off by a few γ at most.
            double tol = 8.0 * (a.length + 2) * U + 1e-7;
            float got = k.cosineDistance(a, b);
            assertTrue(got >= 0f && got <= 2f, ctx + " cosine out of [0, 2]: " + got);
            assertEquals(ref, got, tol, ctx + " cosineDistance");
        });
    }

    @Test
    void cosineOfZeroVectorsFollowsTheRules() {
        for (DistanceKernels k : KernelImplementations.available()) {
            for (int n : new int[] {1, 17, 768}) {
                float[] zero = new float[n];
                float[] one = new float[n];
                one[n - 1] = 3f;
                assertEquals(0f, k.cosineDistance(zero, zero.clone()), k.name() + " both zero, n=" + n);
                assertEquals(1f, k.cosineDistance(zero, one), k.name() + " one zero, n=" + n);
                assertEquals(1f, k.cosineDistance(one, zero), k.name() + " one zero, n=" + n);
                assertEquals(0f, k.cosineDistance(one, one.clone()), 1e-7f, k.name() + " same, n=" + n);
                float[] minus = one.clone();
                minus[n - 1] = -3f;
                assertEquals(2f, k.cosineDistance(one, minus), 1e-7f, k.name() + " opposite, n=" + n);
            }
        }
    }

    @Test
    void cosineFromNormsIsClampedAndHandlesZeroNorms() {
        assertEquals(0f, VectorOps.cosineDistance(0f, 0f, 0f));
        assertEquals(1f, VectorOps.cosineDistance(0f, 0f, 2f));
        assertEquals(1f, VectorOps.cosineDistance(0f, 5f, 0f));
        assertEquals(0f, VectorOps.cosineDistance(4.0000005f, 2f, 2f), "rounding past cos = 1 clamps to 0");
        assertEquals(2f, VectorOps.cosineDistance(-4.0000005f, 2f, 2f), "rounding past cos = -1 clamps to 2");
        assertEquals(0.5f, VectorOps.cosineDistance(2f, 2f, 2f), 1e-7f);
        // The product of the norms would overflow float; the distance must not.
        assertEquals(0.7f, VectorOps.cosineDistance(3e38f, 1e20f, 1e19f), 1e-6f);
    }

    @Test
    void vectorAndScalarImplementationsAgree() {
        List<DistanceKernels> impls = KernelImplementations.available();
        DistanceKernels scalar = impls.get(0);
        SplittableRandom r = new SplittableRandom(KernelImplementations.seed());
        for (DistanceKernels k : impls) {
            for (int n : LENGTHS) {
                float[] a = vector(r, n, Values.RANDOM);
                float[] b = vector(r, n, Values.RANDOM);
                double abs = 0;
                for (int i = 0; i < n; i++) {
                    abs += Math.abs((double) a[i] * b[i]);
                }
                String ctx = k.name() + " vs scalar, n=" + n + " seed=" + KernelImplementations.seed();
                assertEquals(scalar.dot(a, b), k.dot(a, b), 2 * bound(n, abs), ctx + " dot");
                float l2 = scalar.squareDistance(a, b);
                assertEquals(l2, k.squareDistance(a, b), 2 * bound(n + 2, l2), ctx + " squareDistance");
                assertEquals(scalar.cosineDistance(a, b), k.cosineDistance(a, b), 16.0 * (n + 2) * U + 1e-7,
                        ctx + " cosine");
            }
        }
    }

    @Test
    void publicFacadeDelegatesToTheActiveKernels() {
        SplittableRandom r = new SplittableRandom(KernelImplementations.seed());
        float[] a = vector(r, 769, Values.RANDOM);
        float[] b = vector(r, 769, Values.RANDOM);
        DistanceKernels scalar = ScalarKernels.INSTANCE;
        assertEquals(scalar.dot(a, b), VectorOps.dot(a, b), 1e-3f);
        assertEquals(scalar.squareDistance(a, b), VectorOps.squareDistance(a, b), 1e-3f);
        assertEquals(scalar.cosineDistance(a, b), VectorOps.cosineDistance(a, b), 1e-5f);
        assertEquals(scalar.normSquared(a), VectorOps.normSquared(a), 1e-3f);
    }

    interface Check {
        void run(DistanceKernels k, float[] a, float[] b, String context);
    }

    /** Runs {@code check} for every implementation, length and value family, with a reproducible seed. */
    static void forAll(Check check) {
        long seed = KernelImplementations.seed();
        for (DistanceKernels k : KernelImplementations.available()) {
            SplittableRandom r = new SplittableRandom(seed);
            for (Values kind : Values.values()) {
                for (int n : LENGTHS) {
                    float[] a = vector(r, n, kind);
                    // Mix families in b so e.g. zeros meet random values too.
                    float[] b = vector(r, n, kind == Values.ZEROS ? Values.RANDOM : kind);
                    check.run(k, a, b, k.name() + " " + kind + " n=" + n + " seed=" + seed);
                    if (kind == Values.ZEROS) {
                        check.run(k, a, a.clone(), k.name() + " ZEROS/ZEROS n=" + n + " seed=" + seed);
                    }
                }
            }
        }
    }
}
