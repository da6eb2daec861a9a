package dev.quiver.internal.db;

/**
 * When the database writes a generation on its own: once its log has grown past the configured bound (a checkpoint,
 * which bounds replay time), and at close when anything changed since the last save. Decisions only.
 */
final class CheckpointPolicy {

    private final long walCheckpointBytes;
    /** After a failed checkpoint, the log size the next attempt waits for (0: none failed since the last save). */
    private volatile long retryAtBytes;

    CheckpointPolicy(long walCheckpointBytes) {
        this.walCheckpointBytes = walCheckpointBytes;
    }

    /** Whether a log of {@code logBytes} is due for a checkpoint. */
    boolean due(long logBytes) {
        return logBytes > walCheckpointBytes && logBytes > retryAtBytes;
    }

    /**
     * A checkpoint at a log of {@code logBytes} failed (a full disk, say): the next is tried once the log has grown
     * by another bound, not at every write meanwhile (each attempt writes a whole generation).
     */
    void failed(long logBytes) {
        retryAtBytes = logBytes + walCheckpointBytes;
    }

    /** A generation was saved: checkpoints follow the bound again. */
    void saved() {
        retryAtBytes = 0;
    }

    /**
     * Whether close saves: a session that changed nothing (a reader) leaves the generation as it is, and a database
     * found corrupt is not saved (its damaged bytes would be copied into a new generation with fresh checksums).
     *
     * @param appliedLsn         the last record applied
     * @param savedLsn           the last record the current generation covers
     * @param unsavedIndexChange something not in the log changed (SQ8 codes trained or dropped)
     * @param corrupt            corruption was found after open
     */
    static boolean saveAtClose(long appliedLsn, long savedLsn, boolean unsavedIndexChange, boolean corrupt) {
        return (appliedLsn != savedLsn || unsavedIndexChange) && !corrupt;
    }
}
