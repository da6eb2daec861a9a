package dev.quiver.bench.ann;

import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.AcceptDocs;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TopKnnCollector;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.MMapDirectory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Lucene 10.6 HNSW, set up as reference/peers.md says: {@code Lucene99HnswVectorsFormat(maxConn = M, beamWidth =
 * efConstruction, numMergeWorkers = build threads, executor)} through a codec subclass, {@code KnnFloatVectorField},
 * as many indexing threads as build threads, one commit, then {@code forceMerge(1)}; searched through a
 * {@link DirectoryReader} on {@link MMapDirectory}.
 *
 * <p>Lucene has no ef: its k is the beam. A search asks {@code KnnFloatVectorQuery(field, q, ef)} and keeps the
 * first k hits, the fan-out convention of Lucene's own benchmarks. Doc ids are mapped back to rows through a
 * numeric doc-values field read once at open time (an array lookup per hit while searching).
 */
public final class LuceneEngine implements AnnEngine {

    static final String VECTOR_FIELD = "vector";
    static final String ROW_FIELD = "row";
    /** Large enough that indexing threads flush once each at the end, not mid-build. */
    static final double RAM_BUFFER_MB = 1024;

    /** The vector format of one build: M, efConstruction, build threads and Lucene's merge pool in. */
    @FunctionalInterface
    interface FormatFactory {
        KnnVectorsFormat create(BuildParams params, ExecutorService mergePool);
    }

    private final String name;
    private final FormatFactory formatFactory;
    private Path dir;
    private Directory directory;
    private DirectoryReader reader;
    private IndexSearcher searcher;
    private int[] docToRow;

    /** Lucene's own HNSW format. */
    LuceneEngine() {
        // Lucene refuses a merge executor for one worker ("--build-threads 1"): it merges on the calling thread.
        this("lucene", (params, pool) -> new Lucene99HnswVectorsFormat(params.m(), params.efConstruction(),
                params.buildThreads(), params.buildThreads() == 1 ? null : pool));
    }

    /** The same Lucene index code path with another vector format (e.g. Quiver's, engine {@code lucene-quiver}). */
    LuceneEngine(String name, FormatFactory formatFactory) {
        this.name = name;
        this.formatFactory = formatFactory;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void build(Dataset data, BuildParams params, RowFilter filter, Path dir, Progress progress)
            throws IOException {
        this.dir = dir;
        VectorSimilarityFunction similarity = similarity(params.metric());
        int threads = params.buildThreads();
        ExecutorService mergePool = Executors.newFixedThreadPool(threads);
        try (Directory out = new MMapDirectory(dir)) {
            KnnVectorsFormat format = formatFactory.create(params, mergePool);
            IndexWriterConfig config = new IndexWriterConfig()
                    .setCodec(new Lucene104Codec() {
                        @Override
                        public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                            return format;
                        }
                    })
                    .setRAMBufferSizeMB(RAM_BUFFER_MB)
                    .setUseCompoundFile(false);
            try (IndexWriter writer = new IndexWriter(out, config)) {
                addAll(writer, data, filter, similarity, threads, progress);
                writer.commit();
                writer.forceMerge(1);
            }
        } finally {
            mergePool.shutdown();
        }
    }

    private static void addAll(IndexWriter writer, Dataset data, RowFilter filter,
                               VectorSimilarityFunction similarity, int threads, Progress progress)
            throws IOException {
        AtomicInteger next = new AtomicInteger();
        int n = data.base().length;
        Thread[] workers = new Thread[threads];
        IOException[] failure = new IOException[1];
        for (int t = 0; t < threads; t++) {
            workers[t] = Thread.ofPlatform().name("lucene-index-" + t).start(() -> {
                try {
                    for (int row = next.getAndIncrement(); row < n; row = next.getAndIncrement()) {
                        Document doc = new Document();
                        doc.add(new KnnFloatVectorField(VECTOR_FIELD, data.base()[row], similarity));
                        doc.add(new NumericDocValuesField(ROW_FIELD, row));
                        if (filter != null) {
                            Object value = data.baseMetadata().get(row) == null ? null
                                    : data.baseMetadata().get(row).get(filter.field());
                            if (value != null) {
                                doc.add(new StringField(filter.field(), RowFilter.keyword(value), Field.Store.NO));
                            }
                        }
                        writer.addDocument(doc);
                        progress.update(row + 1, n);
                    }
                } catch (IOException e) {
                    synchronized (failure) {
                        failure[0] = e;
                    }
                }
            });
        }
        for (Thread worker : workers) {
            try {
                worker.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while indexing", e);
            }
        }
        if (failure[0] != null) {
            throw failure[0];
        }
    }

    @Override
    public void open() throws IOException {
        directory = new MMapDirectory(dir);
        reader = DirectoryReader.open(directory);
        if (reader.leaves().size() != 1) {
            throw new IOException("expected one segment after forceMerge(1), found " + reader.leaves().size());
        }
        searcher = new IndexSearcher(reader);
        LeafReader leaf = reader.leaves().getFirst().reader();
        docToRow = new int[leaf.maxDoc()];
        NumericDocValues rows = leaf.getNumericDocValues(ROW_FIELD);
        for (int doc = rows.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = rows.nextDoc()) {
            docToRow[doc] = (int) rows.longValue();
        }
    }

    @Override
    public boolean persistent() {
        return true;
    }

    @Override
    public Searcher newSearcher(RowFilter filter) {
        Query filterQuery = filter == null ? null
                : new TermQuery(new Term(filter.field(), RowFilter.keyword(filter.value())));
        return new Searcher() {
            @Override
            public int[] search(float[] query, int k, int ef) throws IOException {
                TopDocs top = searcher.search(new KnnFloatVectorQuery(VECTOR_FIELD, query, ef, filterQuery), k);
                ScoreDoc[] hits = top.scoreDocs;
                int[] rows = new int[hits.length];
                for (int i = 0; i < hits.length; i++) {
                    rows[i] = docToRow[hits[i].doc];
                }
                return rows;
            }

            /**
             * The query's graph search repeated at the leaf with a collector of the same size (the one segment, no
             * visit limit, no deletions), whose {@code visitedCount} is the vectors scored. Unfiltered runs only: a
             * filtered query may choose an exact search by the filter's cost, which this would not reproduce.
             */
            @Override
            public long evaluations(float[] query, int k, int ef) throws IOException {
                if (filterQuery != null) {
                    return -1;
                }
                LeafReader leaf = reader.leaves().getFirst().reader();
                TopKnnCollector collector = new TopKnnCollector(ef, Integer.MAX_VALUE);
                leaf.searchNearestVectors(VECTOR_FIELD, query, collector,
                        AcceptDocs.fromLiveDocs(leaf.getLiveDocs(), leaf.maxDoc()));
                return collector.visitedCount();
            }
        };
    }

    @Override
    public long indexBytes() throws IOException {
        return DirectorySize.of(dir);
    }

    static VectorSimilarityFunction similarity(dev.quiver.Metric metric) {
        return switch (metric) {
            case EUCLIDEAN -> VectorSimilarityFunction.EUCLIDEAN;
            case COSINE -> VectorSimilarityFunction.COSINE;
            case DOT_PRODUCT -> VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT;
        };
    }

    @Override
    public void close() throws IOException {
        if (reader != null) {
            reader.close();
            reader = null;
        }
        if (directory != null) {
            directory.close();
            directory = null;
        }
    }
}
