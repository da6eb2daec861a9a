package dev.quiver;

/** Root of every exception Quiver throws. Unchecked; the message names the bad value. */
public class QuiverException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public QuiverException(String message) {
        super(message);
    }

    public QuiverException(String message, Throwable cause) {
        super(message, cause);
    }
}
