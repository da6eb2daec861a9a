package dev.quiver.internal.meta;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class NumericKeyTest {

    private static BigDecimal exact(Number n) {
        return switch (n) {
            case Double d -> new BigDecimal(d);
            case BigDecimal bd -> bd;
            case BigInteger bi -> new BigDecimal(bi);
            default -> BigDecimal.valueOf(n.longValue());
        };
    }

    private static Number random(Random rnd) {
        long near = (1L << 53) + rnd.nextInt(5) - 2;
        return switch (rnd.nextInt(10)) {
            case 0 -> near;
            case 1 -> (double) near;
            case 2 -> Long.MAX_VALUE - rnd.nextInt(3);
            case 3 -> 0x1p63 * (rnd.nextBoolean() ? 1 : -1);
            case 4 -> new BigInteger("9223372036854775808").add(BigInteger.valueOf(rnd.nextInt(3) - 1));
            case 5 -> new BigDecimal(BigInteger.valueOf(rnd.nextInt(2000) - 1000), rnd.nextInt(4));
            case 6 -> (rnd.nextInt(40) - 20) / 4.0;
            case 7 -> (long) (rnd.nextInt(10) - 5);
            case 8 -> new BigDecimal("0.1").add(BigDecimal.valueOf(rnd.nextInt(3), 30));
            default -> rnd.nextBoolean() ? -0.0 : 0.0;
        };
    }

    @Test
    void keysOrderAndCompareExactlyAcrossKinds() {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        List<Number> numbers = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            numbers.add(random(rnd));
        }
        for (Number a : numbers) {
            for (Number b : numbers) {
                NumericKey ka = NumericKey.of(a);
                NumericKey kb = NumericKey.of(b);
                int expected = Integer.signum(exact(a).compareTo(exact(b)));
                String msg = "seed " + seed + ": " + a + " vs " + b;
                assertEquals(expected, Integer.signum(ka.compareTo(kb)), msg);
                assertEquals(expected == 0, ka.equals(kb), msg);
                if (expected == 0) {
                    assertEquals(ka.hashCode(), kb.hashCode(), msg);
                }
                if (b instanceof Double d) {
                    assertEquals(expected, Integer.signum(ka.compareToDouble(d)), msg);
                }
            }
        }
    }

    @Test
    void integralValuesShareOneKeyWhateverTheirType() {
        NumericKey ten = NumericKey.of(10L);
        for (Number n : List.of(10, (short) 10, (byte) 10, 10.0, 10.0f, BigInteger.TEN, new BigDecimal("10.000"), new BigDecimal("1E+1"))) {
            assertEquals(ten, NumericKey.of(n), n.getClass().getName());
        }
        assertEquals(NumericKey.of(0L), NumericKey.of(-0.0));
        assertEquals(1, NumericKey.of(1L).compareToDouble(Double.NEGATIVE_INFINITY));
        assertEquals(-1, NumericKey.of(Long.MAX_VALUE).compareToDouble(Double.POSITIVE_INFINITY));
    }
}
