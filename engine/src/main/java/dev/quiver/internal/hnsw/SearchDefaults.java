package dev.quiver.internal.hnsw;

/**
 * How a search without an explicit efSearch runs, as the last calibration ({@link DefaultEfCalibrator}) measured it
 * on this index's own vectors: the smallest beam width whose recall@10 reached the target, or the exact scan when the
 * graph could not reach it for less than the scan costs. Persisted in the index's meta file (version 2).
 *
 * @param ef             calibrated beam width for k = {@link DefaultEfCalibrator#K}; 0 when not calibrated or exact
 * @param exact          the default search scans exactly
 * @param calibratedLive live vectors when calibrated (recalibrated once the count drifts from it)
 * @param target         the recall target calibrated for; 0 when not calibrated
 * @param recall         the recall measured on the sample at {@code ef} (1 for the exact scan)
 */
public record SearchDefaults(int ef, boolean exact, int calibratedLive, double target, double recall) {

    /** Never calibrated (an empty or old-format index): vctrs's default beam width applies. */
    public static final SearchDefaults UNCALIBRATED = new SearchDefaults(0, false, 0, 0, 0);

    /** Relative change of the live count after which a save recalibrates. */
    static final double DRIFT = 0.1;

    public boolean calibrated() {
        return ef > 0 || exact;
    }

    /** Whether a save should measure again: never measured, another target, or the index grew or shrank by 10%. */
    boolean staleFor(int liveNow, double targetNow) {
        return !calibrated() || target != targetNow || Math.abs(liveNow - calibratedLive) > DRIFT * calibratedLive;
    }

    /**
     * The beam width for {@code k} results: vctrs's {@code max(200, k + floor(10 sqrt(k)))} when not calibrated, else
     * the calibrated width, scaled up linearly for k above the calibration's 10 (more results need a wider beam).
     */
    public int efFor(int k) {
        if (ef == 0) {
            return Math.max(HnswIndex.defaultEfSearch(k), k);
        }
        int scaled = k <= DefaultEfCalibrator.K ? ef : (int) Math.ceil((double) ef * k / DefaultEfCalibrator.K);
        return Math.max(scaled, k);
    }
}
