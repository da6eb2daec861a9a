package dev.quiver;

/** Another opener (this process or another) holds the database directory's lock. */
public class DatabaseLockedException extends QuiverException {
    private static final long serialVersionUID = 1L;

    public DatabaseLockedException(String message) {
        super(message);
    }

    public DatabaseLockedException(String message, Throwable cause) {
        super(message, cause);
    }
}
