package dev.quiver.lucene;

import dev.quiver.internal.hnsw.HnswConfig;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.KnnVectorsWriter;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.SegmentWriteState;

import java.io.IOException;

/**
 * Quiver's HNSW as a Lucene vector format (SPI name {@value #NAME}). Float vectors: the writer buffers a field's
 * vectors, builds Quiver's graph at flush (same level draw, linker, neighbour selection and SIMD kernels as the
 * engine, linked in parallel on a pool each segment writer owns and shuts down) and writes raw vectors, norms, an
 * ordinal-to-doc map and the graph into one data file plus a metadata file, both with Lucene's checksummed headers
 * and footers. The reader searches the graph straight from the mapped file.
 *
 * <p>Byte vectors are delegated, whole, to Lucene's own {@link Lucene99HnswVectorsFormat} (same M and beam width):
 * Quiver has no int8 input kernels worth exposing here.
 */
public final class QuiverHnswVectorsFormat extends KnnVectorsFormat {

    /** The SPI name, recorded in every segment written with this format. */
    public static final String NAME = "QuiverHnsw";

    static final String META_CODEC = "QuiverHnswMeta";
    static final String DATA_CODEC = "QuiverHnswData";
    static final String META_EXTENSION = "qvm";
    static final String DATA_EXTENSION = "qvd";
    static final int VERSION_START = 0;
    static final int VERSION_CURRENT = VERSION_START;

    /** Seed of the level draw: fixed, so a single-threaded build of the same vectors is reproducible. */
    static final long LEVEL_SEED = 42L;

    private final int m;
    private final int efConstruction;
    private final int buildThreads;
    private final int exactScanFactor;
    private final boolean seedMerges;
    private final KnnVectorsFormat byteFormat;

    /** Defaults: M 16, efConstruction 100 (Lucene's defaults), all processors, measured exact-scan cut-over. */
    public QuiverHnswVectorsFormat() {
        this(Lucene99HnswVectorsFormat.DEFAULT_MAX_CONN, Lucene99HnswVectorsFormat.DEFAULT_BEAM_WIDTH, 0);
    }

    /**
     * @param m              maximum degree on the upper layers (layer 0 allows 2M), 2..512
     * @param efConstruction beam width while linking, at least 1
     * @param buildThreads   threads linking one field's graph (0 = available processors)
     */
    public QuiverHnswVectorsFormat(int m, int efConstruction, int buildThreads) {
        this(m, efConstruction, buildThreads, HnswConfig.DEFAULT_EXACT_SCAN_FACTOR);
    }

    /**
     * @param exactScanFactor a segment with fewer than {@code exactScanFactor * k} vectors is scanned exactly; 0
     *                        always walks the graph
     */
    public QuiverHnswVectorsFormat(int m, int efConstruction, int buildThreads, int exactScanFactor) {
        this(m, efConstruction, buildThreads, exactScanFactor, true);
    }

    /**
     * @param seedMerges a merge starts from the graph of its largest source segment without deletions (copied, then
     *                   the other vectors inserted) instead of rebuilding; false always rebuilds (for measurements)
     */
    public QuiverHnswVectorsFormat(int m, int efConstruction, int buildThreads, int exactScanFactor,
                                   boolean seedMerges) {
        super(NAME);
        if (m < 2 || m > 512) {
            throw new IllegalArgumentException("m must be in [2, 512], got " + m);
        }
        if (efConstruction < 1) {
            throw new IllegalArgumentException("efConstruction must be at least 1, got " + efConstruction);
        }
        if (buildThreads < 0) {
            throw new IllegalArgumentException("buildThreads must be >= 0, got " + buildThreads);
        }
        if (exactScanFactor < 0) {
            throw new IllegalArgumentException("exactScanFactor must be >= 0, got " + exactScanFactor);
        }
        this.m = m;
        this.efConstruction = efConstruction;
        this.buildThreads = buildThreads;
        this.exactScanFactor = exactScanFactor;
        this.seedMerges = seedMerges;
        // Tiny-segment threshold 0: byte fields always get a graph, as float fields do here.
        this.byteFormat = new Lucene99HnswVectorsFormat(Math.min(m, Lucene99HnswVectorsFormat.MAXIMUM_MAX_CONN),
                Math.min(efConstruction, Lucene99HnswVectorsFormat.MAXIMUM_BEAM_WIDTH),
                Lucene99HnswVectorsFormat.DEFAULT_NUM_MERGE_WORKER, null, 0);
    }

    int m() {
        return m;
    }

    int efConstruction() {
        return efConstruction;
    }

    int effectiveBuildThreads() {
        return buildThreads == 0 ? Runtime.getRuntime().availableProcessors() : buildThreads;
    }

    int exactScanFactor() {
        return exactScanFactor;
    }

    boolean seedMerges() {
        return seedMerges;
    }

    KnnVectorsFormat byteFormat() {
        return byteFormat;
    }

    @Override
    public KnnVectorsWriter fieldsWriter(SegmentWriteState state) throws IOException {
        return new QuiverHnswVectorsWriter(state, this);
    }

    @Override
    public KnnVectorsReader fieldsReader(SegmentReadState state) throws IOException {
        return new QuiverHnswVectorsReader(state, this);
    }

    @Override
    public int getMaxDimensions(String fieldName) {
        return DEFAULT_MAX_DIMENSIONS;
    }

    @Override
    public String toString() {
        return NAME + "(m=" + m + ", efConstruction=" + efConstruction + ", buildThreads=" + buildThreads
                + ", exactScanFactor=" + exactScanFactor + ", seedMerges=" + seedMerges + ")";
    }
}
