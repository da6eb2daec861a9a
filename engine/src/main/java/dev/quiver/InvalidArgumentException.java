package dev.quiver;

/** An argument out of its domain: NaN or infinite components, empty ids, bad k, dim, m, efSearch, mismatched list lengths. */
public class InvalidArgumentException extends QuiverException {
    private static final long serialVersionUID = 1L;

    public InvalidArgumentException(String message) {
        super(message);
    }

    public InvalidArgumentException(String message, Throwable cause) {
        super(message, cause);
    }
}
