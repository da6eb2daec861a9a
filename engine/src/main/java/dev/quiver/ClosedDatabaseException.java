package dev.quiver;

/** The database (or client) was used after {@code close()}. */
public class ClosedDatabaseException extends QuiverException {
    private static final long serialVersionUID = 1L;

    public ClosedDatabaseException(String message) {
        super(message);
    }

    public ClosedDatabaseException(String message, Throwable cause) {
        super(message, cause);
    }
}
