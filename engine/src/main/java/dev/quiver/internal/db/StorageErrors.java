package dev.quiver.internal.db;

import dev.quiver.ClosedDatabaseException;
import dev.quiver.CorruptDataException;
import dev.quiver.DatabaseLockedException;
import dev.quiver.QuiverException;
import dev.quiver.StorageException;
import dev.quiver.storage.ClosedStoreException;
import dev.quiver.storage.CorruptFileException;
import dev.quiver.storage.LockedStoreException;

import java.util.function.Supplier;

/** Maps the storage module's exceptions to the public ones (the storage message, which names the file, is kept). */
public final class StorageErrors {

    private StorageErrors() {
    }

    public static QuiverException map(dev.quiver.storage.StorageException e) {
        return switch (e) {
            case CorruptFileException c -> new CorruptDataException("corrupt data: " + c.getMessage(), c);
            case LockedStoreException l -> new DatabaseLockedException(l.getMessage(), l);
            case ClosedStoreException c -> new ClosedDatabaseException(c.getMessage(), c);
            default -> new StorageException("io error: " + e.getMessage(), e);
        };
    }

    /** Runs {@code action}, mapping storage exceptions. */
    public static <T> T call(Supplier<T> action) {
        try {
            return action.get();
        } catch (dev.quiver.storage.StorageException e) {
            throw map(e);
        }
    }

    public static void run(Runnable action) {
        try {
            action.run();
        } catch (dev.quiver.storage.StorageException e) {
            throw map(e);
        }
    }
}
