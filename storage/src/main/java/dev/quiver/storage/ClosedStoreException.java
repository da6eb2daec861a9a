package dev.quiver.storage;

/** Thrown when a slab, log or store is used after {@code close()}. */
public final class ClosedStoreException extends StorageFailure {
    public ClosedStoreException(String message) {
        super(message);
    }
}
