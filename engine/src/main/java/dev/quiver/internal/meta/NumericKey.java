package dev.quiver.internal.meta;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * A JSON number in one canonical form, so that numbers equal by value are equal keys ({@code 10}, {@code 10L},
 * {@code 10.0} and {@code new BigDecimal("10.00")} are one key) and keys order by exact numeric value.
 *
 * <p>The canonical form is chosen by value, never by the Java type it arrived in:
 * <ul>
 *   <li>an integral value inside the {@code long} range is a {@code long};</li>
 *   <li>otherwise a value exactly representable as a {@code double} (fractions, huge powers of two) is a {@code double};</li>
 *   <li>otherwise (more digits than a double holds) an exact {@link BigDecimal}, trailing zeros stripped.</li>
 * </ul>
 * Each value has exactly one representation, so {@code equals}/{@code hashCode} need only compare like with like;
 * {@code compareTo} compares across kinds exactly (no rounding through {@code double}).
 */
public final class NumericKey implements Comparable<NumericKey> {

    private static final double TWO_POW_63 = 0x1p63;

    private final byte kind; // 0 long, 1 double, 2 decimal
    private final long longValue;
    private final double doubleValue;
    private final BigDecimal decimalValue;

    private NumericKey(byte kind, long longValue, double doubleValue, BigDecimal decimalValue) {
        this.kind = kind;
        this.longValue = longValue;
        this.doubleValue = doubleValue;
        this.decimalValue = decimalValue;
    }

    public static NumericKey ofLong(long value) {
        return new NumericKey((byte) 0, value, 0, null);
    }

    /** The key of a finite double (callers reject NaN and infinities first). */
    public static NumericKey ofDouble(double value) {
        assert Double.isFinite(value) : value;
        if (value == Math.rint(value) && value >= -TWO_POW_63 && value < TWO_POW_63) {
            return ofLong((long) value); // also maps -0.0 to 0
        }
        return new NumericKey((byte) 1, 0, value, null);
    }

    /** The key of any JSON number: Long, Integer, Short, Byte, Double, Float, BigInteger or BigDecimal. */
    public static NumericKey of(Number n) {
        return switch (n) {
            case Long l -> ofLong(l);
            case Integer i -> ofLong(i);
            case Short s -> ofLong(s);
            case Byte b -> ofLong(b);
            case Double d -> ofDouble(d);
            case Float f -> ofDouble(f);
            case BigInteger bi -> ofDecimal(new BigDecimal(bi));
            case BigDecimal bd -> ofDecimal(bd);
            default -> throw new IllegalArgumentException("not a JSON number type: " + n.getClass().getName());
        };
    }

    private static NumericKey ofDecimal(BigDecimal bd) {
        if (bd.signum() == 0) {
            return ofLong(0);
        }
        BigDecimal stripped = bd.stripTrailingZeros();
        if (stripped.scale() <= 0 && stripped.precision() - stripped.scale() <= 19) {
            try {
                return ofLong(stripped.longValueExact());
            } catch (ArithmeticException outOfRange) {
                // falls through to the double / decimal forms
            }
        }
        double d = stripped.doubleValue();
        if (Double.isFinite(d) && new BigDecimal(d).compareTo(stripped) == 0) {
            return ofDouble(d);
        }
        return new NumericKey((byte) 2, 0, 0, stripped);
    }

    public boolean isLong() {
        return kind == 0;
    }

    public long longValue() {
        return longValue;
    }

    /** The nearest double (exact for the long and double kinds within 2^53). */
    public double approximateDouble() {
        return switch (kind) {
            case 0 -> longValue;
            case 1 -> doubleValue;
            default -> decimalValue.doubleValue();
        };
    }

    /** The value as the Java number the codec hands out: Long, Double or BigDecimal. */
    public Number toNumber() {
        return switch (kind) {
            case 0 -> longValue;
            case 1 -> doubleValue;
            default -> decimalValue;
        };
    }

    /** Exact comparison with a double bound, which may be infinite but not NaN. */
    public int compareToDouble(double bound) {
        if (bound == Double.POSITIVE_INFINITY) {
            return -1;
        }
        if (bound == Double.NEGATIVE_INFINITY) {
            return 1;
        }
        return compareTo(ofDouble(bound));
    }

    @Override
    public int compareTo(NumericKey o) {
        if (kind == 0 && o.kind == 0) {
            return Long.compare(longValue, o.longValue);
        }
        if (kind == 1 && o.kind == 1) {
            return Double.compare(doubleValue, o.doubleValue); // no -0.0 (canonicalised) and no NaN here
        }
        if (kind == 0 && o.kind == 1) {
            return compareLongDouble(longValue, o.doubleValue);
        }
        if (kind == 1 && o.kind == 0) {
            return -compareLongDouble(o.longValue, doubleValue);
        }
        return toBigDecimal().compareTo(o.toBigDecimal());
    }

    /** Exact: the double is finite. */
    private static int compareLongDouble(long l, double d) {
        if (d >= TWO_POW_63) {
            return -1;
        }
        if (d < -TWO_POW_63) {
            return 1;
        }
        double floor = Math.floor(d);
        long lf = (long) floor;
        if (l != lf) {
            return l < lf ? -1 : 1;
        }
        return floor == d ? 0 : -1;
    }

    private BigDecimal toBigDecimal() {
        return switch (kind) {
            case 0 -> BigDecimal.valueOf(longValue);
            case 1 -> new BigDecimal(doubleValue);
            default -> decimalValue;
        };
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof NumericKey k) || k.kind != kind) {
            return false;
        }
        return switch (kind) {
            case 0 -> longValue == k.longValue;
            case 1 -> Double.doubleToLongBits(doubleValue) == Double.doubleToLongBits(k.doubleValue);
            default -> decimalValue.equals(k.decimalValue);
        };
    }

    @Override
    public int hashCode() {
        return switch (kind) {
            case 0 -> Long.hashCode(longValue);
            case 1 -> Double.hashCode(doubleValue);
            default -> decimalValue.hashCode();
        };
    }

    @Override
    public String toString() {
        return toNumber().toString();
    }
}
