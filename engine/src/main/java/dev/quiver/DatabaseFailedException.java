package dev.quiver;

/**
 * The database stopped serving after a failure it cannot undo in memory: an I/O error in its write-ahead log (a
 * record may or may not be on disk), or a change that failed to apply after its record was logged. Every later call
 * throws this, naming the first failure (also the cause), until the database is closed; {@link Database#close()}
 * then releases the directory lock and the mappings without saving and without throwing.
 *
 * <p>To recover, fix the cause (disk space, permissions, the device) and open the database again: recovery replays
 * the log, so every acknowledged write is back, and a write whose call failed is either fully there or absent.
 */
public class DatabaseFailedException extends QuiverException {
    private static final long serialVersionUID = 1L;

    public DatabaseFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
