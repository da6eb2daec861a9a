package dev.quiver.storage;

/** Root of the storage module's unchecked exceptions; the engine maps each subtype to its public exception. */
public class StorageFailure extends RuntimeException {
    public StorageFailure(String message) {
        super(message);
    }

    public StorageFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
