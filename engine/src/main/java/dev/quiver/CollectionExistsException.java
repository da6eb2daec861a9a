package dev.quiver;

/** A collection of that name already exists: {@code collection 'x' already exists}. */
public class CollectionExistsException extends QuiverException {
    private static final long serialVersionUID = 1L;

    public CollectionExistsException(String message) {
        super(message);
    }

    public CollectionExistsException(String message, Throwable cause) {
        super(message, cause);
    }
}
