package dev.quiver.internal.hnsw;

import dev.quiver.internal.quant.Sq8Codes;
import dev.quiver.internal.quant.Sq8Quantizer;
import dev.quiver.storage.ByteRecordSlab;
import dev.quiver.storage.FloatSlab;
import dev.quiver.storage.IntRecordSlab;
import dev.quiver.storage.VectorSlab;
import dev.quiver.storage.gen.Generation;
import dev.quiver.storage.gen.GenerationWriter;
import dev.quiver.storage.gen.WritableFile;

import java.util.ArrayList;
import java.util.List;

/**
 * Saves an {@link HnswIndex} into a generation and opens one from it: the slabs as files (format in
 * {@link IndexFiles}) plus the meta file that says how to read them. Opening maps the slabs copy-on-write, so it does
 * no O(n) work.
 */
final class IndexSnapshots {

    private IndexSnapshots() {
    }

    /**
     * Writes every slab and the meta file of {@code index} into {@code w}, names prefixed by {@code prefix}. Searches
     * may run meanwhile; the caller keeps writers out until this returns (the files must show one state).
     */
    static void write(HnswIndex index, GenerationWriter w, String prefix, int metaVersion) {
        int total = index.totalSlots();
        VectorSlabs store = index.store();
        GraphLayers layers = index.layers();
        w.writeSlab(prefix + IndexFiles.VECTORS, store.vectors().slab(), total);
        w.writeSlab(prefix + IndexFiles.NORMS, store.norms().slab(), total);
        w.writeSlab(prefix + IndexFiles.NODES, layers.nodesSlab().slab(), total);
        w.writeSlab(prefix + IndexFiles.LAYER0, layers.layer0Slab().slab(), total);
        w.writeSlab(prefix + IndexFiles.UPPER, layers.upperSlab().slab(), layers.upperRecordCount());
        QuantizationLifecycle.Lease lease = index.quantization().acquire();
        try {
            Sq8Codes q = lease == null ? null : lease.codes();
            if (q != null) {
                w.writeSlab(prefix + IndexFiles.SQ8_CODES, q.codes().slab(), total);
                w.writeSlab(prefix + IndexFiles.SQ8_CORRECTIONS, q.corrections().slab(), total);
            }
            try (WritableFile out = w.create(prefix + IndexFiles.META)) {
                IndexFiles.write(out, index.meta(total, q), metaVersion);
            }
        } finally {
            if (lease != null) {
                lease.release();
            }
        }
    }

    /** Opens the index saved under {@code prefix} in {@code g}: see {@link HnswIndex#open}. */
    static HnswIndex open(Generation g, String prefix, HnswConfig cfg) {
        IndexFiles.Meta meta = IndexFiles.read(g, prefix + IndexFiles.META);
        if (meta.dim() != cfg.dim() || meta.metric() != cfg.metric() || meta.m() != cfg.m()) {
            throw new IllegalArgumentException("saved index has dim " + meta.dim() + ", metric " + meta.metric()
                    + ", M " + meta.m() + "; config asks for dim " + cfg.dim() + ", metric " + cfg.metric() + ", M "
                    + cfg.m());
        }
        int d = cfg.dim();
        int m = cfg.m();
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            VectorSlab vectors = track(opened,
                    new VectorSlab(g.openSlab(prefix + IndexFiles.VECTORS, (long) d * 4), d));
            FloatSlab norms = track(opened, new FloatSlab(g.openSlab(prefix + IndexFiles.NORMS, 4)));
            IntRecordSlab nodes = track(opened, new IntRecordSlab(g.openSlab(prefix + IndexFiles.NODES,
                    GraphLayers.NODE_INTS * 4L), GraphLayers.NODE_INTS));
            IntRecordSlab layer0 = track(opened, new IntRecordSlab(g.openSlab(prefix + IndexFiles.LAYER0,
                    (2L + 2 * m) * 4), 2 + 2 * m));
            IntRecordSlab upper = track(opened, new IntRecordSlab(g.openSlab(prefix + IndexFiles.UPPER,
                    (2L + m) * 4), 2 + m));
            HnswIndex index = HnswIndex.assemble(cfg, new VectorSlabs(d, cfg.metric(), vectors, norms),
                    new GraphLayers(m, nodes, layer0, upper, meta.upperRecords()));
            if (meta.quantized()) {
                ByteRecordSlab codes = track(opened,
                        new ByteRecordSlab(g.openSlab(prefix + IndexFiles.SQ8_CODES, d), d));
                FloatSlab corr = track(opened, new FloatSlab(g.openSlab(prefix + IndexFiles.SQ8_CORRECTIONS, 4)));
                Sq8Quantizer quantizer = new Sq8Quantizer(meta.sq8Offsets(), meta.sq8Scale());
                index.quantization().adopt(new Sq8Codes(quantizer, codes, corr), meta.sq8Traverse());
            }
            index.restore(meta);
            return index;
        } catch (RuntimeException e) {
            for (AutoCloseable c : opened) {
                try {
                    c.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    private static <T extends AutoCloseable> T track(List<AutoCloseable> opened, T resource) {
        opened.add(resource);
        return resource;
    }
}
