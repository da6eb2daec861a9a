package dev.quiver;

/** No saved or logged database exists at the path: {@code database not found at 'path'}. */
public class DatabaseNotFoundException extends QuiverException {
    private static final long serialVersionUID = 1L;

    public DatabaseNotFoundException(String message) {
        super(message);
    }

    public DatabaseNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
