package dev.quiver;

/** An id that is not live was read or updated: {@code id 'x' not found}. */
public class NotFoundException extends QuiverException {
    private static final long serialVersionUID = 1L;

    public NotFoundException(String message) {
        super(message);
    }

    public NotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
