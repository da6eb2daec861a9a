package dev.quiver.storage;

/** Root of the storage module's unchecked exceptions; the engine maps each subtype to its public exception. */
public class StorageException extends RuntimeException {
    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
