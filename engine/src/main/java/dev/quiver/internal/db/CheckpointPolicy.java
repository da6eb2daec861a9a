package dev.quiver.internal.db;

/**
 * When the database writes a generation on its own: once its log has grown past the configured bound (a checkpoint,
 * which bounds replay time), and at close when anything changed since the last save. Decisions only.
 */
final class CheckpointPolicy {

    private final long walCheckpointBytes;

    CheckpointPolicy(long walCheckpointBytes) {
        this.walCheckpointBytes = walCheckpointBytes;
    }

    /** Whether a log of {@code logBytes} is due for a checkpoint. */
    boolean due(long logBytes) {
        return logBytes > walCheckpointBytes;
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
