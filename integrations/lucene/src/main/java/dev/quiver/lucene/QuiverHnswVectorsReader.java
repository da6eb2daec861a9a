package dev.quiver.lucene;

import dev.quiver.internal.hnsw.FrozenGraph;
import dev.quiver.internal.hnsw.FrozenVectors;
import dev.quiver.internal.hnsw.SegmentSearcher;
import org.apache.lucene.codecs.CodecUtil;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.index.ByteVectorValues;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FieldInfos;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexFileNames;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.VectorEncoding;
import org.apache.lucene.search.AcceptDocs;
import org.apache.lucene.search.KnnCollector;
import org.apache.lucene.store.ChecksumIndexInput;
import org.apache.lucene.store.IndexInput;
import org.apache.lucene.store.MemorySegmentAccessInput;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.IOUtils;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads one segment of {@link QuiverHnswVectorsFormat}. Each float field's regions are {@link MemorySegment}s: slices
 * of the mapped data file when the input offers them ({@link MemorySegmentAccessInput}, i.e. {@code MMapDirectory}),
 * otherwise copies made once at open into memory this reader frees on close. Searches run the engine's
 * {@link SegmentSearcher} on them and hand Lucene scores to the collector.
 */
final class QuiverHnswVectorsReader extends KnnVectorsReader {

    private static final int COPY_CHUNK = 1 << 20;

    private final FieldInfos fieldInfos;
    private final IndexInput data;
    private final Arena copies;
    private final Map<String, SegmentField> fields = new HashMap<>();
    private final KnnVectorsReader byteReader;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    QuiverHnswVectorsReader(SegmentReadState state, QuiverHnswVectorsFormat format) throws IOException {
        this.fieldInfos = state.fieldInfos;
        String metaName = IndexFileNames.segmentFileName(state.segmentInfo.name, state.segmentSuffix,
                QuiverHnswVectorsFormat.META_EXTENSION);
        String dataName = IndexFileNames.segmentFileName(state.segmentInfo.name, state.segmentSuffix,
                QuiverHnswVectorsFormat.DATA_EXTENSION);
        Map<String, FieldEntry> entries = new HashMap<>();
        boolean hasBytes = false;
        try (ChecksumIndexInput in = state.directory.openChecksumInput(metaName)) {
            Throwable prior = null;
            try {
                CodecUtil.checkIndexHeader(in, QuiverHnswVectorsFormat.META_CODEC,
                        QuiverHnswVectorsFormat.VERSION_START, QuiverHnswVectorsFormat.VERSION_CURRENT,
                        state.segmentInfo.getId(), state.segmentSuffix);
                for (int number = in.readInt(); number != FieldEntry.END; number = in.readInt()) {
                    FieldInfo info = fieldInfos.fieldInfo(number);
                    FieldEntry e = FieldEntry.read(in, number, info);
                    entries.put(info.name, e);
                }
                hasBytes = in.readByte() != 0;
            } catch (Throwable t) {
                prior = t;
            } finally {
                CodecUtil.checkFooter(in, prior);
            }
        }
        IndexInput d = null;
        Arena arena = Arena.ofShared();
        KnnVectorsReader bytes = null;
        boolean ok = false;
        try {
            d = state.directory.openInput(dataName, state.context);
            CodecUtil.checkIndexHeader(d, QuiverHnswVectorsFormat.DATA_CODEC, QuiverHnswVectorsFormat.VERSION_START,
                    QuiverHnswVectorsFormat.VERSION_CURRENT, state.segmentInfo.getId(), state.segmentSuffix);
            CodecUtil.retrieveChecksum(d);
            for (Map.Entry<String, FieldEntry> e : entries.entrySet()) {
                fields.put(e.getKey(), open(e.getValue(), d, arena, format.exactScanFactor()));
            }
            if (hasBytes) {
                bytes = format.byteFormat().fieldsReader(state);
            }
            ok = true;
        } finally {
            if (!ok) {
                IOUtils.closeWhileHandlingException(d, bytes);
                arena.close();
            }
        }
        this.data = d;
        this.copies = arena;
        this.byteReader = bytes;
    }

    private static SegmentField open(FieldEntry e, IndexInput in, Arena arena, int exactScanFactor)
            throws IOException {
        long vectorBytes = (long) e.size() * e.dim() * Float.BYTES;
        long graphBytes = FrozenGraph.byteSize(e.size(), e.m(), e.upperRecords());
        if (e.graphLength() != graphBytes) {
            throw new CorruptIndexException("graph of field " + e.fieldNumber() + " is " + e.graphLength()
                    + " bytes, its shape needs " + graphBytes, in);
        }
        MemorySegment vectors = region(in, e.vectorsOffset(), vectorBytes, arena);
        MemorySegment norms = region(in, e.normsOffset(), (long) e.size() * Float.BYTES, arena);
        MemorySegment ordToDoc = e.dense() ? null : region(in, e.ordToDocOffset(), (long) e.size() * Integer.BYTES,
                arena);
        MemorySegment graphSeg = region(in, e.graphOffset(), graphBytes, arena);
        boolean mapped = in instanceof MemorySegmentAccessInput && !isCopy(vectors, arena) && !isCopy(graphSeg, arena);
        try {
            FrozenGraph graph = new FrozenGraph(graphSeg, e.size(), e.m(), e.entry(), e.topLevel(), e.upperRecords());
            FrozenVectors fv = new FrozenVectors(vectors, norms, e.dim(), e.size(),
                    Similarities.metric(e.similarity()));
            return new SegmentField(e, graph, fv, ordToDoc, new SegmentSearcher(graph, fv, exactScanFactor), mapped);
        } catch (IllegalArgumentException bad) {
            throw new CorruptIndexException(bad.getMessage(), in, bad);
        }
    }

    private static boolean isCopy(MemorySegment seg, Arena arena) {
        return seg.scope().equals(arena.scope());
    }

    /** {@code length} bytes of the data file at {@code offset}: a slice of the mapping, or a copy. */
    private static MemorySegment region(IndexInput in, long offset, long length, Arena arena) throws IOException {
        if (offset < 0 || length < 0 || offset + length > in.length() - CodecUtil.footerLength()) {
            throw new CorruptIndexException("region [" + offset + ", +" + length + ") lies outside the data file of "
                    + in.length() + " bytes", in);
        }
        if (in instanceof MemorySegmentAccessInput direct) {
            MemorySegment slice = direct.segmentSliceOrNull(offset, length);
            if (slice != null) {
                return slice;
            }
        }
        MemorySegment copy = arena.allocate(Math.max(1, length), 64).asSlice(0, length);
        IndexInput clone = in.clone();
        clone.seek(offset);
        byte[] chunk = new byte[(int) Math.min(COPY_CHUNK, Math.max(1, length))];
        for (long done = 0; done < length; ) {
            int n = (int) Math.min(chunk.length, length - done);
            clone.readBytes(chunk, 0, n);
            MemorySegment.copy(chunk, 0, copy, ValueLayout.JAVA_BYTE, done, n);
            done += n;
        }
        return copy;
    }

    private SegmentField field(String name) {
        SegmentField f = fields.get(name);
        if (f == null) {
            FieldInfo info = fieldInfos.fieldInfo(name);
            throw new IllegalArgumentException("field \"" + name + "\" has no float vectors in this segment"
                    + (info == null ? "" : " (encoding " + info.getVectorEncoding() + ")"));
        }
        return f;
    }

    private boolean isBytes(String field) {
        FieldInfo info = fieldInfos.fieldInfo(field);
        return info != null && info.getVectorEncoding() == VectorEncoding.BYTE;
    }

    @Override
    public void checkIntegrity() throws IOException {
        CodecUtil.checksumEntireFile(data);
        if (byteReader != null) {
            byteReader.checkIntegrity();
        }
    }

    @Override
    public FloatVectorValues getFloatVectorValues(String field) throws IOException {
        if (isBytes(field)) {
            throw new IllegalArgumentException("field \"" + field + "\" is encoded as BYTE, not FLOAT32");
        }
        return new SegmentVectorValues(field(field));
    }

    @Override
    public ByteVectorValues getByteVectorValues(String field) throws IOException {
        if (!isBytes(field) || byteReader == null) {
            throw new IllegalArgumentException("field \"" + field + "\" is encoded as FLOAT32, not BYTE");
        }
        return byteReader.getByteVectorValues(field);
    }

    @Override
    public void search(String field, float[] target, KnnCollector collector, AcceptDocs acceptDocs)
            throws IOException {
        SegmentField f = field(field);
        if (f.size() == 0) {
            return;
        }
        if (target.length != f.entry().dim()) {
            throw new IllegalArgumentException("vector query dimension: " + target.length
                    + " differs from field dimension: " + f.entry().dim());
        }
        Bits bits = acceptDocs == null ? null : acceptDocs.bits();
        AcceptedOrds filter = bits == null ? null : new AcceptedOrds(f, bits, acceptDocs);
        int accepted = filter == null ? -1 : Math.min(acceptDocs.cost(), f.size());
        long budget = collector.visitLimit() - collector.visitedCount();
        SegmentSearcher.Hits hits = f.searcher().search(target, collector.k(), filter, accepted, budget);
        collector.incVisitedCount((int) Math.min(Integer.MAX_VALUE, hits.visited()));
        if (hits.visitLimitReached() && collector.visitedCount() < collector.visitLimit()) {
            // A two-hop walk counts neighbour-list reads against the budget too: report the limit as reached, so
            // the query knows the results are incomplete.
            collector.incVisitedCount((int) Math.min(Integer.MAX_VALUE,
                    collector.visitLimit() - collector.visitedCount()));
        }
        var sim = f.entry().similarity();
        for (int i = 0; i < hits.count(); i++) {
            collector.collect(f.ordToDoc(hits.ords()[i]), Similarities.score(sim, hits.distances()[i]));
        }
    }

    @Override
    public void search(String field, byte[] target, KnnCollector collector, AcceptDocs acceptDocs)
            throws IOException {
        if (!isBytes(field) || byteReader == null) {
            throw new IllegalArgumentException("field \"" + field + "\" is encoded as FLOAT32, not BYTE");
        }
        byteReader.search(field, target, collector, acceptDocs);
    }

    @Override
    public Map<String, Long> getOffHeapByteSize(FieldInfo fieldInfo) {
        if (fieldInfo.getVectorEncoding() == VectorEncoding.BYTE) {
            return byteReader == null ? Map.of() : byteReader.getOffHeapByteSize(fieldInfo);
        }
        SegmentField f = fields.get(fieldInfo.name);
        if (f == null) {
            return Map.of();
        }
        FieldEntry e = f.entry();
        long bytes = (long) e.size() * (e.dim() + 1) * Float.BYTES + e.graphLength()
                + (e.dense() ? 0 : (long) e.size() * Integer.BYTES);
        // Lucene's keys by role: "vec" raw vectors (with their norms), "vex" the graph (with the ord-to-doc map).
        long raw = (long) e.size() * (e.dim() + 1) * Float.BYTES;
        return Map.of("vec", raw, "vex", bytes - raw);
    }

    // ---------------------------------------------------------------- merge support

    /** Nodes of the field's graph, or 0 when absent or built with another M. */
    int graphSize(String field, int m) {
        SegmentField f = fields.get(field);
        return f == null || f.graph().m() != m ? 0 : f.size();
    }

    FrozenGraph graph(String field) {
        return field(field).graph();
    }

    /** Whether the field is searched in place from the mapped file (false: from a copy made at open). */
    boolean isMapped(String field) {
        return field(field).mapped();
    }

    int ordToDoc(String field, int ord) {
        return field(field).ordToDoc(ord);
    }

    @Override
    public void close() throws IOException {
        if (!closed.compareAndSet(false, true)) {
            return; // CheckIndex and segment readers may both close it
        }
        try {
            IOUtils.close(data, byteReader);
        } finally {
            copies.close();
        }
    }
}
