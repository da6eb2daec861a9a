package dev.quiver.internal.db;

import dev.quiver.Config;
import dev.quiver.CorruptDataException;
import dev.quiver.Metric;
import dev.quiver.internal.hnsw.HnswConfig;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The persistent shape of a database: what is fixed at creation and read back from disk (generation properties or the
 * log's CREATE record). Everything else in {@link Config} (durability, threads, checkpoint size) is per session.
 */
public record DbShape(int dim, Metric metric, int m, int efConstruction, boolean quantize, long seed) {

    /**
     * Format of a generation: its properties below and the set of files it holds; bump when either changes meaning.
     * 1: one {@code catalog} file (ids and metadata, decoded at open). 2: {@code ids}, {@code metadata} and
     * {@code filter-index} files, opened in place (see {@link StorageDatabaseFiles}).
     */
    public static final int PROPERTIES_VERSION = 2;
    /** The oldest generation format that still opens. */
    public static final int OLDEST_READABLE_VERSION = 1;

    public static DbShape of(Config cfg) {
        return new DbShape(cfg.dim(), cfg.metric(), cfg.m(), cfg.efConstruction(), cfg.quantize(), cfg.seed());
    }

    public static DbShape of(WalRecord.Create c) {
        return new DbShape(c.dim(), c.metric(), c.m(), c.efConstruction(), c.quantize(), c.seed());
    }

    /** This shape with the quantize flag set to {@code on}. */
    public DbShape withQuantize(boolean on) {
        return on == quantize ? this : new DbShape(dim, metric, m, efConstruction, on, seed);
    }

    public WalRecord.Create createRecord() {
        return new WalRecord.Create(dim, metric, m, efConstruction, quantize, seed);
    }

    /** The session configuration: this shape plus the caller's per-session settings (or defaults). */
    public Config toConfig(Config session) {
        Config base = session != null ? session : Config.dim(dim);
        return new Config(dim, metric, m, efConstruction, quantize, base.durability(), seed, base.buildThreads(),
                base.walCheckpointBytes(), base.targetRecall());
    }

    public HnswConfig hnswConfig(int buildThreads) {
        return new HnswConfig(dim, metric, m, efConstruction, seed, buildThreads);
    }

    /**
     * Generation properties: {@code quiver.format}, {@code dim}, {@code metric} (canonical name), {@code m},
     * {@code ef_construction}, {@code quantize}, {@code seed}.
     */
    public Map<String, String> toProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("quiver.format", Integer.toString(PROPERTIES_VERSION));
        p.put("dim", Integer.toString(dim));
        p.put("metric", metric.canonicalName());
        p.put("m", Integer.toString(m));
        p.put("ef_construction", Integer.toString(efConstruction));
        p.put("quantize", Boolean.toString(quantize));
        p.put("seed", Long.toString(seed));
        return p;
    }

    public static DbShape fromProperties(Map<String, String> p, String source) {
        try {
            String format = require(p, "quiver.format", source);
            if (!isReadableFormat(format)) {
                throw new CorruptDataException("corrupt data: " + source + ": unsupported format " + format);
            }
            return new DbShape(Integer.parseInt(require(p, "dim", source)), Metric.parse(require(p, "metric", source)),
                    Integer.parseInt(require(p, "m", source)), Integer.parseInt(require(p, "ef_construction", source)),
                    Boolean.parseBoolean(require(p, "quantize", source)), Long.parseLong(require(p, "seed", source)));
        } catch (NumberFormatException | dev.quiver.InvalidMetricException e) {
            throw new CorruptDataException("corrupt data: " + source + ": bad property: " + e.getMessage(), e);
        }
    }

    private static boolean isReadableFormat(String format) {
        for (int v = OLDEST_READABLE_VERSION; v <= PROPERTIES_VERSION; v++) {
            if (format.equals(Integer.toString(v))) {
                return true;
            }
        }
        return false;
    }

    private static String require(Map<String, String> p, String key, String source) {
        String v = p.get(key);
        if (v == null) {
            throw new CorruptDataException("corrupt data: " + source + ": missing property '" + key + "'");
        }
        return v;
    }
}
