package dev.quiver.internal.hnsw;

/**
 * How a search without an explicit efSearch runs, as the last calibration ({@link DefaultEfCalibrator}) measured it
 * on this index's own vectors: the smallest beam width whose recall@10 reached the target; or, when the graph could
 * not reach it for less than a scan costs, a scan: over the SQ8 codes keeping the best {@code rerank} candidates
 * and re-ranking them with float32 when that reached the target, else the float32 exact scan. Persisted in the
 * index's meta file (version 2; {@code rerank} from version 3).
 *
 * @param ef             calibrated beam width for k = {@link DefaultEfCalibrator#K}; 0 when not calibrated or a scan
 * @param exact          the default search scans (on codes when {@code rerank > 0}, else float32)
 * @param calibratedLive live vectors when calibrated (recalibrated once the count drifts from it)
 * @param target         the recall target calibrated for; 0 when not calibrated
 * @param recall         the recall measured on the sample (1 for the float32 exact scan)
 * @param rerank         candidates the code scan keeps for float32 re-ranking at k = 10; 0 = no code scan
 */
public record SearchDefaults(int ef, boolean exact, int calibratedLive, double target, double recall, int rerank) {

    /** Never calibrated (an empty or old-format index): vctrs's default beam width applies. */
    public static final SearchDefaults UNCALIBRATED = new SearchDefaults(0, false, 0, 0, 0, 0);

    /** Relative change of the live count after which a save recalibrates. */
    static final double DRIFT = 0.1;

    /** A plan without a code scan (graph width or float32 exact scan). */
    public SearchDefaults(int ef, boolean exact, int calibratedLive, double target, double recall) {
        this(ef, exact, calibratedLive, target, recall, 0);
    }

    public boolean calibrated() {
        return ef > 0 || exact;
    }

    /** The default is a scan over the SQ8 codes with float32 re-ranking of the best {@link #rerankFor} of them. */
    public boolean codeScan() {
        return exact && rerank > 0;
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
        return scaled(ef, k);
    }

    /** Code-scan candidates re-ranked for {@code k} results (scaled like {@link #efFor}); 0 without a code scan. */
    public int rerankFor(int k) {
        return rerank == 0 ? 0 : scaled(rerank, k);
    }

    private static int scaled(int atK10, int k) {
        int scaled = k <= DefaultEfCalibrator.K ? atK10 : (int) Math.ceil((double) atK10 * k / DefaultEfCalibrator.K);
        return Math.max(scaled, k);
    }
}
