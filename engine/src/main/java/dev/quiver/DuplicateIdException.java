package dev.quiver;

/** An id that is already live was added: {@code id 'x' already exists, use upsert instead}. */
public class DuplicateIdException extends QuiverException {
    private static final long serialVersionUID = 1L;

    public DuplicateIdException(String message) {
        super(message);
    }

    public DuplicateIdException(String message, Throwable cause) {
        super(message, cause);
    }
}
