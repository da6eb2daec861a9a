package dev.quiver.internal.hnsw;

import dev.quiver.internal.quant.Sq8Codes;
import dev.quiver.internal.quant.Sq8Quantizer;
import dev.quiver.storage.ByteRecordSlab;
import dev.quiver.storage.CorruptFileException;
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
 * no O(n) work (except for SQ8 codes saved before format 4, which are encoded again).
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
            if (q != null && metaVersion >= IndexFiles.VERSION_SQ8_RECORDS) {
                w.writeSlab(prefix + IndexFiles.SQ8_CODES, q.records().slab(), total);
            } else if (q != null) {
                writeSeparateCodeFiles(q, w, prefix, total);
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

    /**
     * Stride of the saved vectors, as the slab file's header records it (the only authority: an index saved in format
     * 4 or before, or opened from one and saved again, has {@code dim} floats; a new one may have whole lines). Any
     * other stride is a file that does not belong to this index.
     */
    private static long vectorStride(Generation g, String prefix, int d) {
        long stride = g.file(prefix + IndexFiles.VECTORS).strideBytes();
        if (stride != (long) d * Float.BYTES && stride != VectorSlab.wholeLines(d)) {
            throw new CorruptFileException(g.file(prefix + IndexFiles.VECTORS).path(), "vector records of " + stride
                    + " bytes do not fit dim " + d + " (expected " + d * 4L + " or " + VectorSlab.wholeLines(d) + ")");
        }
        return stride;
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
                    new VectorSlab(g.openSlab(prefix + IndexFiles.VECTORS, vectorStride(g, prefix, d)), d));
            FloatSlab norms = track(opened, new FloatSlab(g.openSlab(prefix + IndexFiles.NORMS, 4)));
            IntRecordSlab nodes = track(opened, new IntRecordSlab(g.openSlab(prefix + IndexFiles.NODES,
                    GraphLayers.NODE_INTS * 4L), GraphLayers.NODE_INTS));
            IntRecordSlab layer0 = track(opened, new IntRecordSlab(g.openSlab(prefix + IndexFiles.LAYER0,
                    (2L + 2 * m) * 4), 2 + 2 * m));
            IntRecordSlab upper = track(opened, new IntRecordSlab(g.openSlab(prefix + IndexFiles.UPPER,
                    (2L + m) * 4), 2 + m));
            HnswIndex index = HnswIndex.assemble(cfg, new VectorSlabs(d, cfg.metric(), vectors, norms),
                    new GraphLayers(m, nodes, layer0, upper, meta.upperRecords()));
            // Codes saved for more dimensions than SQ8 can sum exactly (builds before that limit) are not served:
            // the index walks float32 and scans float32 instead.
            if (meta.quantized() && Sq8Codes.supports(d)) {
                Sq8Quantizer quantizer = new Sq8Quantizer(meta.sq8Offsets(), meta.sq8Scale());
                Sq8Codes codes;
                if (meta.version() >= IndexFiles.VERSION_SQ8_RECORDS) {
                    int recordBytes = Sq8Codes.recordBytes(d, cfg.metric());
                    codes = new Sq8Codes(quantizer, cfg.metric(), track(opened,
                            new ByteRecordSlab(g.openSlab(prefix + IndexFiles.SQ8_CODES, recordBytes), recordBytes)));
                } else {
                    codes = track(opened, reencode(quantizer, cfg.metric(), index.store(), meta.totalSlots()));
                }
                index.quantization().adopt(codes, meta.sq8Traverse());
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

    /**
     * Codes saved before version 4 (separate code and correction files, {@code dim} bytes per code): encoded again from
     * the saved vectors with the saved quantizer, which yields the same code bytes and corrections, into the current
     * layout. O(n) at each open until a save writes version 4 (a store never saved again pays it every time).
     */
    private static Sq8Codes reencode(Sq8Quantizer quantizer, dev.quiver.Metric metric, VectorSlabs store, int total) {
        Sq8Codes codes = new Sq8Codes(quantizer, metric);
        codes.ensureCapacity(Math.max(total, 1));
        float[] vector = new float[quantizer.dim()];
        byte[] scratch = codes.newScratch();
        for (int s = 0; s < total; s++) {
            store.read(s, vector);
            codes.encode(s, vector, scratch, false);
        }
        return codes;
    }

    /** The code files of formats before version 4, for tests of the old-format reader. */
    private static void writeSeparateCodeFiles(Sq8Codes q, GenerationWriter w, String prefix, int total) {
        int dim = q.quantizer().dim();
        try (ByteRecordSlab codes = ByteRecordSlab.allocate(dim);
             FloatSlab corrections = new FloatSlab(Slabs.allocate(Float.BYTES))) {
            codes.ensureCapacity(Math.max(total, 1));
            corrections.ensureCapacity(Math.max(total, 1));
            byte[] code = new byte[dim];
            for (int s = 0; s < total; s++) {
                java.lang.foreign.MemorySegment.copy(q.chunk(s), java.lang.foreign.ValueLayout.JAVA_BYTE,
                        q.offset(s), code, 0, dim);
                codes.set(s, code);
                corrections.set(s, q.quantizer().correction(code));
            }
            w.writeSlab(prefix + IndexFiles.SQ8_CODES, codes.slab(), total);
            w.writeSlab(prefix + IndexFiles.SQ8_CORRECTIONS, corrections.slab(), total);
        }
    }

    private static <T extends AutoCloseable> T track(List<AutoCloseable> opened, T resource) {
        opened.add(resource);
        return resource;
    }
}
