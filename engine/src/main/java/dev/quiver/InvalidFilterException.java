package dev.quiver;

/** A filter could not be parsed or built: {@code invalid filter: ...}. */
public class InvalidFilterException extends QuiverException {
    private static final long serialVersionUID = 1L;

    public InvalidFilterException(String message) {
        super(message);
    }

    public InvalidFilterException(String message, Throwable cause) {
        super(message, cause);
    }
}
