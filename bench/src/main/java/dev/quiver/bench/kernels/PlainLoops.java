package dev.quiver.bench.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The loops anyone would write first: one accumulator, no unrolling. The baseline that the scalar kernels must stay
 * close to (or beat) when the Vector API is absent.
 */
public final class PlainLoops {

    private static final ValueLayout.OfFloat LE_FLOAT =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private PlainLoops() {
    }

    public static float dot(float[] a, float[] b) {
        float sum = 0f;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    public static float squareDistance(float[] a, float[] b) {
        float sum = 0f;
        for (int i = 0; i < a.length; i++) {
            float d = a[i] - b[i];
            sum += d * d;
        }
        return sum;
    }

    public static float cosineDistance(float[] a, float[] b) {
        float ab = 0f, aa = 0f, bb = 0f;
        for (int i = 0; i < a.length; i++) {
            ab += a[i] * b[i];
            aa += a[i] * a[i];
            bb += b[i] * b[i];
        }
        return (float) (1.0 - ab / Math.sqrt((double) aa * bb));
    }

    public static float squareDistance(float[] q, MemorySegment s, long byteOffset) {
        float sum = 0f;
        for (int i = 0; i < q.length; i++) {
            float d = q[i] - s.get(LE_FLOAT, byteOffset + 4L * i);
            sum += d * d;
        }
        return sum;
    }

    public static int squareDistanceU8(byte[] a, byte[] b) {
        int sum = 0;
        for (int i = 0; i < a.length; i++) {
            int d = (a[i] & 0xFF) - (b[i] & 0xFF);
            sum += d * d;
        }
        return sum;
    }

    public static int squareDistanceU8(byte[] q, MemorySegment s, long byteOffset) {
        int sum = 0;
        for (int i = 0; i < q.length; i++) {
            int d = (q[i] & 0xFF) - (s.get(ValueLayout.JAVA_BYTE, byteOffset + i) & 0xFF);
            sum += d * d;
        }
        return sum;
    }
}
