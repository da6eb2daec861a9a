package dev.quiver;

/** An I/O failure, with the operating system's error as the cause. */
public class StorageException extends QuiverException {
    private static final long serialVersionUID = 1L;

    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
