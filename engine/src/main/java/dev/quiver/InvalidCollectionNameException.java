package dev.quiver;

/** A collection name that breaks the naming rules: {@code invalid collection name: ...}. */
public class InvalidCollectionNameException extends QuiverException {
    private static final long serialVersionUID = 1L;

    public InvalidCollectionNameException(String message) {
        super(message);
    }

    public InvalidCollectionNameException(String message, Throwable cause) {
        super(message, cause);
    }
}
