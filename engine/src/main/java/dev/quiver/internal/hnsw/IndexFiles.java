package dev.quiver.internal.hnsw;

import dev.quiver.Metric;
import dev.quiver.storage.CorruptFileException;
import dev.quiver.storage.gen.Generation;
import dev.quiver.storage.gen.ReadableStream;
import dev.quiver.storage.gen.WritableFile;

/**
 * The files of a saved {@link HnswIndex} inside a storage generation (each file is framed, named and checksummed by
 * the storage module; this class defines only the payloads). Names carry a caller-chosen prefix so several indexes
 * can share a generation.
 *
 * <h2>Slab files (records exactly as in memory, little-endian; mapped back copy-on-write or read, no rebuild)</h2>
 * <ul>
 *   <li>{@code <prefix>vectors}: {@code dim} float32 per slot, or (new indexes since version 5, where that adds at
 *       most a quarter) zero-padded to whole 64-byte lines. The slab file header's stride is the only authority: an
 *       index opened from an older file keeps {@code dim}-float records through later saves.</li>
 *   <li>{@code <prefix>norms}: one float32 per slot, the L2 norm of the vector.</li>
 *   <li>{@code <prefix>nodes}: 4 int32 per slot {@code [flags][level][upperBase][reserved]} (see {@link GraphLayers}).</li>
 *   <li>{@code <prefix>layer0}: {@code 2 + 2M} int32 per slot {@code [version][count][neighbours]}.</li>
 *   <li>{@code <prefix>upper}: {@code 2 + M} int32 per upper-layer record, same shape.</li>
 *   <li>{@code <prefix>sq8-codes} (only when the index holds codes, for traversal or for the default plan's code
 *       scan): one record per slot in the layout of {@link dev.quiver.internal.quant.Sq8Codes} (the code padded to
 *       whole cache lines; for inner-product metrics its correction and the vector's norm at the record's end).</li>
 *   <li>Formats before version 4 held {@code dim} code bytes per slot in {@code sq8-codes} and the corrections in
 *       {@code <prefix>sq8-corr}; such codes are re-encoded from the vectors at open (same quantizer, so the same
 *       codes), in memory, until the next save writes the current layout.</li>
 * </ul>
 *
 * <h2>{@code <prefix>meta} (byte stream, version {@value #VERSION}; version 1, without the search defaults, still
 * reads as an uncalibrated index; version 2, without the code-scan fields, as a plan without a code scan whose codes,
 * if any, are traversed; version 3 has the same fields as 4, with the older code files; 4 has the same fields as 5,
 * and its vectors are always {@code dim} floats)</h2>
 * <pre>
 * offset size  field
 *  0      4    magic 0x534E4851 ("QHNS" little-endian)
 *  4      4    version (5)
 *  8      4    dim
 * 12      4    metric: 0 cosine, 1 euclidean, 2 dot product
 * 16      4    M
 * 20      4    efConstruction
 * 24      8    seed
 * 32      4    totalSlots (records in the per-slot slabs)
 * 36      4    live count
 * 40      4    deleted count
 * 44      8    entry point: (level &lt;&lt; 32) | slot, or -1 for an empty graph
 * 52      4    upper-layer records in use
 * 56      4    codes present: 0 or 1
 * 60      4    (quantized only) SQ8 scale, float32
 * 64  4*dim    (quantized only) SQ8 per-dimension offsets, float32
 * then (version 2) the {@link SearchDefaults}:
 *        4    calibrated ef (0: none)
 *        4    exact: 0 or 1
 *        4    live count when calibrated
 *        8    target recall, float64
 *        8    recall measured at the calibrated ef, float64
 * then (version 3 and later):
 *        4    code-scan re-rank candidates at k = 10 (0: no code scan)
 *        4    codes traversed by graph walks: 1, or 0 when kept for the code scan only
 * </pre>
 */
final class IndexFiles {

    static final int MAGIC = 0x534E4851;
    static final int VERSION = 5;
    /** Format whose SQ8 codes are whole-line records ({@code sq8-codes}) and whose vectors are {@code dim} floats. */
    static final int VERSION_SQ8_RECORDS = 4;
    /** Format with the code scan's fields whose SQ8 codes sit in two files, {@code dim} bytes per code. */
    static final int VERSION_SEPARATE_CODE_TERMS = 3;
    /** Format before the code scan: defaults without re-rank count; codes, when present, are traversed. */
    static final int VERSION_WITHOUT_CODE_SCAN = 2;
    /** Format before the search defaults were persisted; read as uncalibrated. */
    static final int VERSION_WITHOUT_DEFAULTS = 1;

    static final String META = "meta";
    static final String VECTORS = "vectors";
    static final String NORMS = "norms";
    static final String NODES = "nodes";
    static final String LAYER0 = "layer0";
    static final String UPPER = "upper";
    static final String SQ8_CODES = "sq8-codes";
    static final String SQ8_CORRECTIONS = "sq8-corr";

    private IndexFiles() {
    }

    /** What the meta file holds. */
    record Meta(int dim, Metric metric, int m, int efConstruction, long seed, int totalSlots, int live, int deleted,
                long entry, int upperRecords, float sq8Scale, float[] sq8Offsets, SearchDefaults defaults,
                boolean sq8Traverse, int version) {

        boolean quantized() {
            return sq8Offsets != null;
        }
    }

    static int metricCode(Metric metric) {
        return switch (metric) {
            case COSINE -> 0;
            case EUCLIDEAN -> 1;
            case DOT_PRODUCT -> 2;
        };
    }

    static void write(WritableFile out, Meta meta) {
        write(out, meta, VERSION);
    }

    /**
     * Writes {@code meta} in format {@code version}: {@link #VERSION}, or an older one (tests of the old-format
     * readers); {@code meta.version()} is ignored.
     */
    static void write(WritableFile out, Meta meta, int version) {
        out.writeInt(MAGIC);
        out.writeInt(version);
        out.writeInt(meta.dim());
        out.writeInt(metricCode(meta.metric()));
        out.writeInt(meta.m());
        out.writeInt(meta.efConstruction());
        out.writeLong(meta.seed());
        out.writeInt(meta.totalSlots());
        out.writeInt(meta.live());
        out.writeInt(meta.deleted());
        out.writeLong(meta.entry());
        out.writeInt(meta.upperRecords());
        out.writeInt(meta.quantized() ? 1 : 0);
        if (meta.quantized()) {
            out.writeFloat(meta.sq8Scale());
            for (float o : meta.sq8Offsets()) {
                out.writeFloat(o);
            }
        }
        if (version == VERSION_WITHOUT_DEFAULTS) {
            return;
        }
        SearchDefaults d = meta.defaults();
        out.writeInt(d.ef());
        out.writeInt(d.exact() ? 1 : 0);
        out.writeInt(d.calibratedLive());
        out.writeLong(Double.doubleToLongBits(d.target()));
        out.writeLong(Double.doubleToLongBits(d.recall()));
        if (version < VERSION_SEPARATE_CODE_TERMS) {
            return;
        }
        out.writeInt(d.rerank());
        out.writeInt(meta.sq8Traverse() ? 1 : 0);
    }

    static Meta read(Generation g, String name) {
        try (ReadableStream in = g.openStream(name)) {
            java.nio.file.Path file = g.file(name).path();
            int magic = in.readInt();
            if (magic != MAGIC) {
                throw new CorruptFileException(file, "bad HNSW meta magic 0x" + Integer.toHexString(magic));
            }
            int version = in.readInt();
            if (version < VERSION_WITHOUT_DEFAULTS || version > VERSION) {
                throw new CorruptFileException(file, "unsupported HNSW meta version " + version + " (this build reads "
                        + VERSION + ")");
            }
            int dim = in.readInt();
            int metricCode = in.readInt();
            Metric metric = switch (metricCode) {
                case 0 -> Metric.COSINE;
                case 1 -> Metric.EUCLIDEAN;
                case 2 -> Metric.DOT_PRODUCT;
                default -> throw new CorruptFileException(file, "unknown metric code " + metricCode);
            };
            int m = in.readInt();
            int efConstruction = in.readInt();
            long seed = in.readLong();
            int total = in.readInt();
            int live = in.readInt();
            int deleted = in.readInt();
            long entry = in.readLong();
            int upper = in.readInt();
            int quantized = in.readInt();
            if (dim < 1 || m < 2 || total < 0 || live < 0 || deleted < 0 || live + deleted != total || upper < 0
                    || (quantized != 0 && quantized != 1)) {
                throw new CorruptFileException(file, "inconsistent HNSW meta: dim " + dim + ", M " + m + ", slots "
                        + total + " = live " + live + " + deleted " + deleted + ", upper " + upper);
            }
            float scale = 0f;
            float[] offsets = null;
            if (quantized == 1) {
                scale = in.readFloat();
                offsets = new float[dim];
                for (int d = 0; d < dim; d++) {
                    offsets[d] = in.readFloat();
                }
            }
            SearchDefaults defaults = SearchDefaults.UNCALIBRATED;
            boolean traverse = true;
            if (version >= VERSION_WITHOUT_CODE_SCAN) {
                int ef = in.readInt();
                int exact = in.readInt();
                int calibratedLive = in.readInt();
                double target = Double.longBitsToDouble(in.readLong());
                double recall = Double.longBitsToDouble(in.readLong());
                if (ef < 0 || (exact != 0 && exact != 1) || calibratedLive < 0 || !(target >= 0 && target <= 1)
                        || !(recall >= 0 && recall <= 1)) {
                    throw new CorruptFileException(file, "inconsistent HNSW search defaults: ef " + ef + ", exact "
                            + exact + ", live " + calibratedLive + ", target " + target + ", recall " + recall);
                }
                int rerank = 0;
                if (version >= VERSION_SEPARATE_CODE_TERMS) {
                    rerank = in.readInt();
                    int traversed = in.readInt();
                    if (rerank < 0 || (traversed != 0 && traversed != 1) || (rerank > 0 && exact != 1)) {
                        throw new CorruptFileException(file, "inconsistent HNSW code-scan fields: rerank " + rerank
                                + ", traversed " + traversed + ", exact " + exact);
                    }
                    traverse = traversed == 1;
                }
                defaults = new SearchDefaults(ef, exact == 1, calibratedLive, target, recall, rerank);
            }
            return new Meta(dim, metric, m, efConstruction, seed, total, live, deleted, entry, upper, scale, offsets,
                    defaults, traverse, version);
        }
    }
}
