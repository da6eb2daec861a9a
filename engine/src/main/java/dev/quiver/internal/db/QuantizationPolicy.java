package dev.quiver.internal.db;

/**
 * When the database trains (or retrains) its SQ8 codes. Decisions only: the caller holds the writer lock and does
 * the training.
 *
 * <p>With {@code quantize}, traversal runs on SQ8 codes from the first record on (vctrs waited for a reopen). The
 * quantizer is trained on what exists when it is enabled, so it is retrained, at a save, once the index has doubled
 * since (vctrs never retrained, clamping drifted data). An explicit switch-off wins over the setting until an explicit
 * switch-on.
 */
final class QuantizationPolicy {

    private final boolean configured;
    /** Written under the writer lock, read by writers before they take it. */
    private volatile boolean switchedOff;
    /** Slots in the index when the codes were last trained; guarded by the writer lock. */
    private int trainedAtSlots;

    /**
     * @param configured     the database's {@code quantize} setting
     * @param trainedAtSlots the index's slot count if it opened with codes, else 0
     */
    QuantizationPolicy(boolean configured, int trainedAtSlots) {
        this.configured = configured;
        this.trainedAtSlots = trainedAtSlots;
    }

    /** Whether codes should be trained now: none yet, or (at a save) the index has doubled since they were. */
    boolean shouldTrain(int slots, boolean quantized, boolean atSave) {
        if (!configured || switchedOff || slots == 0) {
            return false;
        }
        return !quantized || (atSave && slots >= 2L * trainedAtSlots);
    }

    /** The cheap check a writer makes before taking the lock to train: the setting wants codes and there are none. */
    boolean wantsCodes(boolean quantized) {
        return configured && !switchedOff && !quantized;
    }

    /** An explicit switch-on: codes are trained now unless the index is empty or already has them. */
    boolean switchOn(int slots, boolean quantized) {
        switchedOff = false;
        return slots > 0 && !quantized;
    }

    /** An explicit switch-off: the setting no longer turns codes back on. */
    void switchOff() {
        switchedOff = true;
    }

    /** Records that codes were trained over {@code slots} slots. */
    void trained(int slots) {
        trainedAtSlots = slots;
    }
}
