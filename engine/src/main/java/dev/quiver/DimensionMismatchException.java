package dev.quiver;

/** A vector's length differs from the database dimension: {@code dimension mismatch: expected 384, got 383}. */
public class DimensionMismatchException extends QuiverException {
    private static final long serialVersionUID = 1L;

    public DimensionMismatchException(String message) {
        super(message);
    }

    public DimensionMismatchException(String message, Throwable cause) {
        super(message, cause);
    }
}
