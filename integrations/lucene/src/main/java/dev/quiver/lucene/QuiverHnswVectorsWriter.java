package dev.quiver.lucene;

import dev.quiver.internal.hnsw.FrozenGraph;
import dev.quiver.internal.hnsw.SegmentGraphBuilder;
import org.apache.lucene.codecs.CodecUtil;
import org.apache.lucene.codecs.KnnFieldVectorsWriter;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.KnnVectorsWriter;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexFileNames;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.MergeState;
import org.apache.lucene.index.SegmentWriteState;
import org.apache.lucene.index.Sorter;
import org.apache.lucene.index.VectorEncoding;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.store.IndexOutput;
import org.apache.lucene.util.IORunnable;
import org.apache.lucene.util.IOUtils;
import org.apache.lucene.util.RamUsageEstimator;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes one segment of {@link QuiverHnswVectorsFormat}: float fields go to the metadata and data files, byte fields
 * to a delegate {@code Lucene99HnswVectorsFormat} writer created on first use. Owns the build pool of its graphs
 * and shuts it down on {@link #close}.
 */
final class QuiverHnswVectorsWriter extends KnnVectorsWriter {

    private static final long SHALLOW = RamUsageEstimator.shallowSizeOfInstance(QuiverHnswVectorsWriter.class);
    /** Data regions start on a cache line, so vectors read by the SIMD kernels never straddle one needlessly. */
    private static final int ALIGNMENT = 64;
    /** Fields smaller than this link on the flushing thread alone: a pool costs more than it saves. */
    private static final int PARALLEL_MIN_VECTORS = 2048;

    /** InfoStream component of this writer's messages. */
    static final String INFO_COMPONENT = "QuiverHnsw";

    private final SegmentWriteState state;
    private final QuiverHnswVectorsFormat format;
    private final IndexOutput meta;
    private final IndexOutput data;
    private final List<FieldBuffer> fields = new ArrayList<>();
    private KnnVectorsWriter byteWriter;
    private ExecutorService pool;
    private boolean finished;

    QuiverHnswVectorsWriter(SegmentWriteState state, QuiverHnswVectorsFormat format) throws IOException {
        this.state = state;
        this.format = format;
        String metaName = IndexFileNames.segmentFileName(state.segmentInfo.name, state.segmentSuffix,
                QuiverHnswVectorsFormat.META_EXTENSION);
        String dataName = IndexFileNames.segmentFileName(state.segmentInfo.name, state.segmentSuffix,
                QuiverHnswVectorsFormat.DATA_EXTENSION);
        IndexOutput m = null;
        IndexOutput d = null;
        boolean ok = false;
        try {
            m = state.directory.createOutput(metaName, state.context);
            d = state.directory.createOutput(dataName, state.context);
            CodecUtil.writeIndexHeader(m, QuiverHnswVectorsFormat.META_CODEC, QuiverHnswVectorsFormat.VERSION_CURRENT,
                    state.segmentInfo.getId(), state.segmentSuffix);
            CodecUtil.writeIndexHeader(d, QuiverHnswVectorsFormat.DATA_CODEC, QuiverHnswVectorsFormat.VERSION_CURRENT,
                    state.segmentInfo.getId(), state.segmentSuffix);
            ok = true;
        } finally {
            if (!ok) {
                IOUtils.closeWhileHandlingException(m, d);
            }
        }
        this.meta = m;
        this.data = d;
    }

    private KnnVectorsWriter byteWriter() throws IOException {
        if (byteWriter == null) {
            byteWriter = format.byteFormat().fieldsWriter(state);
        }
        return byteWriter;
    }

    @Override
    public KnnFieldVectorsWriter<?> addField(FieldInfo fieldInfo) throws IOException {
        if (fieldInfo.getVectorEncoding() == VectorEncoding.BYTE) {
            return byteWriter().addField(fieldInfo);
        }
        FieldBuffer buffer = new FieldBuffer(fieldInfo);
        fields.add(buffer);
        return buffer;
    }

    @Override
    public void flush(int maxDoc, Sorter.DocMap sortMap) throws IOException {
        if (byteWriter != null) {
            byteWriter.flush(maxDoc, sortMap);
        }
        for (FieldBuffer field : fields) {
            int[] docs = field.docs();
            List<float[]> vectors = field.vectors;
            if (sortMap != null) {
                // Ordinals follow the new doc order: the graph is built over the sorted vectors, nothing to remap.
                int n = docs.length;
                Integer[] ords = new Integer[n];
                int[] newDocs = new int[n];
                for (int i = 0; i < n; i++) {
                    ords[i] = i;
                    newDocs[i] = sortMap.oldToNew(docs[i]);
                }
                Arrays.sort(ords, Comparator.comparingInt(o -> newDocs[o]));
                List<float[]> sorted = new ArrayList<>(n);
                int[] sortedDocs = new int[n];
                for (int i = 0; i < n; i++) {
                    sorted.add(vectors.get(ords[i]));
                    sortedDocs[i] = newDocs[ords[i]];
                }
                vectors = sorted;
                docs = sortedDocs;
            }
            writeField(field.fieldInfo, vectors, docs, maxDoc, null, null);
        }
    }

    @Override
    public IORunnable mergeOneField(FieldInfo fieldInfo, MergeState mergeState) throws IOException {
        if (fieldInfo.getVectorEncoding() == VectorEncoding.BYTE) {
            return byteWriter().mergeOneField(fieldInfo, mergeState);
        }
        FloatVectorValues merged = MergedVectorValues.mergeFloatVectorValues(fieldInfo, mergeState);
        List<float[]> vectors = new ArrayList<>();
        int[] docs = new int[16];
        KnnVectorValues.DocIndexIterator it = merged.iterator();
        for (int doc = it.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
            docs = org.apache.lucene.util.ArrayUtil.grow(docs, vectors.size() + 1);
            docs[vectors.size()] = doc;
            vectors.add(merged.vectorValue(it.index()).clone());
        }
        docs = Arrays.copyOf(docs, vectors.size());
        MergeSeed seed = format.seedMerges() ? largestReusableGraph(fieldInfo, mergeState, docs) : null;
        if (mergeState.infoStream.isEnabled(INFO_COMPONENT)) {
            mergeState.infoStream.message(INFO_COMPONENT, "merge field " + fieldInfo.name + ": " + vectors.size()
                    + " vectors, " + (seed == null ? "graph rebuilt" : "seeded from a graph of " + seed.graph.size()
                    + " nodes"));
        }
        writeField(fieldInfo, vectors, docs, mergeState.segmentInfo.maxDoc(), seed == null ? null : seed.graph,
                seed == null ? null : seed.oldToNew);
        return null;
    }

    /** A source segment's graph, and where its ordinals land in the merged field. */
    private record MergeSeed(FrozenGraph graph, int[] oldToNew) {
    }

    /**
     * The graph of the largest source segment that has no deletions and was written by this format (with the same
     * M): its nodes and lists are copied and only the other segments' vectors are linked, instead of a rebuild.
     */
    private MergeSeed largestReusableGraph(FieldInfo fieldInfo, MergeState ms, int[] mergedDocs) throws IOException {
        QuiverHnswVectorsReader best = null;
        int bestIndex = -1;
        int bestSize = 0;
        for (int i = 0; i < ms.knnVectorsReaders.length; i++) {
            KnnVectorsReader r = ms.knnVectorsReaders[i];
            if (r instanceof PerFieldKnnVectorsFormat.FieldsReader perField) {
                r = perField.getFieldReader(fieldInfo.name);
            }
            if (!(r instanceof QuiverHnswVectorsReader q) || ms.liveDocs[i] != null) {
                continue;
            }
            FieldInfo source = ms.fieldInfos[i].fieldInfo(fieldInfo.name);
            if (source == null) {
                continue;
            }
            int size = q.graphSize(fieldInfo.name, format.m());
            if (size > bestSize) {
                best = q;
                bestIndex = i;
                bestSize = size;
            }
        }
        if (best == null) {
            return null;
        }
        FrozenGraph graph = best.graph(fieldInfo.name);
        int[] oldToNew = new int[graph.size()];
        MergeState.DocMap docMap = ms.docMaps[bestIndex];
        for (int o = 0; o < oldToNew.length; o++) {
            int newDoc = docMap.get(best.ordToDoc(fieldInfo.name, o));
            int ord = Arrays.binarySearch(mergedDocs, newDoc);
            if (newDoc < 0 || ord < 0) {
                return null; // not every vector survived: fall back to a rebuild
            }
            oldToNew[o] = ord;
        }
        return new MergeSeed(graph, oldToNew);
    }

    private void writeField(FieldInfo fieldInfo, List<float[]> vectors, int[] docs, int maxDoc, FrozenGraph initial,
                            int[] initialToNew) throws IOException {
        int n = vectors.size();
        int dim = fieldInfo.getVectorDimension();
        data.alignFilePointer(ALIGNMENT);
        long vectorsOffset = data.getFilePointer();
        ByteBuffer buf = ByteBuffer.allocate(dim * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float[] v : vectors) {
            buf.clear();
            buf.asFloatBuffer().put(v);
            data.writeBytes(buf.array(), 0, buf.capacity());
        }
        try (SegmentGraphBuilder builder = new SegmentGraphBuilder(
                Similarities.metric(fieldInfo.getVectorSimilarityFunction()), dim, format.m(),
                format.efConstruction(), QuiverHnswVectorsFormat.LEVEL_SEED)) {
            boolean parallel = n >= PARALLEL_MIN_VECTORS && format.effectiveBuildThreads() > 1;
            builder.build(vectors, initial, initialToNew, parallel ? pool() : null, format.effectiveBuildThreads());
            data.alignFilePointer(Float.BYTES);
            long normsOffset = data.getFilePointer();
            for (int i = 0; i < n; i++) {
                data.writeInt(Float.floatToRawIntBits(builder.norm(i)));
            }
            long ordToDocOffset = -1;
            if (!isIdentity(docs, maxDoc)) {
                ordToDocOffset = data.getFilePointer();
                for (int doc : docs) {
                    data.writeInt(doc);
                }
            }
            data.alignFilePointer(ALIGNMENT);
            long graphOffset = data.getFilePointer();
            builder.writeGraph((values, count) -> {
                for (int i = 0; i < count; i++) {
                    data.writeInt(values[i]);
                }
            });
            long graphLength = data.getFilePointer() - graphOffset;
            new FieldEntry(fieldInfo.number, fieldInfo.getVectorSimilarityFunction(), dim, n, vectorsOffset,
                    normsOffset, ordToDocOffset, graphOffset, graphLength, format.m(), builder.entryNode(),
                    builder.topLevel(), builder.upperRecords()).write(meta);
        }
    }

    private static boolean isIdentity(int[] docs, int maxDoc) {
        if (docs.length != maxDoc) {
            return false;
        }
        for (int i = 0; i < docs.length; i++) {
            if (docs[i] != i) {
                return false;
            }
        }
        return true;
    }

    private ExecutorService pool() {
        if (pool == null) {
            int helpers = Math.max(1, format.effectiveBuildThreads() - 1);
            AtomicInteger names = new AtomicInteger();
            pool = Executors.newFixedThreadPool(helpers, r -> Thread.ofPlatform()
                    .name("quiver-lucene-build-" + names.getAndIncrement()).daemon().unstarted(r));
        }
        return pool;
    }

    @Override
    public void finish() throws IOException {
        if (finished) {
            throw new IllegalStateException("already finished");
        }
        finished = true;
        meta.writeInt(FieldEntry.END);
        meta.writeByte((byte) (byteWriter != null ? 1 : 0));
        CodecUtil.writeFooter(meta);
        CodecUtil.writeFooter(data);
        if (byteWriter != null) {
            byteWriter.finish();
        }
    }

    @Override
    public long ramBytesUsed() {
        long total = SHALLOW;
        for (FieldBuffer f : fields) {
            total += f.ramBytesUsed();
        }
        if (byteWriter != null) {
            total += byteWriter.ramBytesUsed();
        }
        return total;
    }

    @Override
    public void close() throws IOException {
        try {
            IOUtils.close(meta, data, byteWriter);
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
    }
}
