package dev.quiver.bench.ann;

import dev.quiver.internal.hnsw.HnswConfig;
import dev.quiver.lucene.QuiverHnswVectorsFormat;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.TieredMergePolicy;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.MMapDirectory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Indexing cost of the Lucene vector formats, split in its two phases: adding the documents with a flush every
 * {@code n / segments} docs (one indexing thread, so the segments are equal and known), then {@code forceMerge(1)} in
 * a second writer. Engines take turns for several rounds (a noisy machine hits all of them); the median per phase is
 * printed. Engines: Lucene's HNSW, Quiver's format with seeded merges, and Quiver's format rebuilding every merge.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.quiver.bench.ann.LuceneIndexTimes DATASET SEGMENTS ROUNDS [M EF THREADS]</pre>
 */
public final class LuceneIndexTimes {

    private LuceneIndexTimes() {
    }

    public static void main(String[] args) throws Exception {
        String spec = args.length > 0 ? args[0] : "bigann-10k";
        int segments = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int m = args.length > 3 ? Integer.parseInt(args[3]) : 16;
        int ef = args.length > 4 ? Integer.parseInt(args[4]) : 200;
        int threads = args.length > 5 ? Integer.parseInt(args[5]) : Runtime.getRuntime().availableProcessors();
        Dataset data = DatasetResolver.resolve(spec, null, 1, 10, 42L, threads);
        VectorSimilarityFunction sim = LuceneEngine.similarity(data.metric());
        ExecutorService mergePool = Executors.newFixedThreadPool(threads);
        Map<String, Supplier<KnnVectorsFormat>> engines = new LinkedHashMap<>();
        engines.put("lucene", () -> new Lucene99HnswVectorsFormat(m, ef, threads, mergePool));
        engines.put("lucene-quiver", () -> new QuiverHnswVectorsFormat(m, ef, threads));
        engines.put("lucene-quiver-rebuild", () -> new QuiverHnswVectorsFormat(m, ef, threads,
                HnswConfig.DEFAULT_EXACT_SCAN_FACTOR, false));
        Map<String, List<double[]>> times = new LinkedHashMap<>();
        System.out.printf("data set %s: %d x %d, %s; M=%d ef_construction=%d threads=%d segments=%d rounds=%d%n",
                data.name(), data.base().length, data.base()[0].length, sim, m, ef, threads, segments, rounds);
        try {
            for (int round = 1; round <= rounds; round++) {
                for (Map.Entry<String, Supplier<KnnVectorsFormat>> e : engines.entrySet()) {
                    double[] t = run(data, sim, e.getValue().get(), segments);
                    times.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(t);
                    System.out.printf("round %d %-22s index+flush %6.2f s  merge %6.2f s%n", round, e.getKey(),
                            t[0], t[1]);
                }
            }
        } finally {
            mergePool.shutdown();
        }
        System.out.println();
        System.out.println("| engine | index+flush s (median) | forceMerge(1) s (median) | total s |");
        System.out.println("|---|---|---|---|");
        for (Map.Entry<String, List<double[]>> e : times.entrySet()) {
            double flush = median(e.getValue(), 0);
            double merge = median(e.getValue(), 1);
            System.out.printf("| %s | %.2f | %.2f | %.2f |%n", e.getKey(), flush, merge, flush + merge);
        }
    }

    private static double median(List<double[]> rows, int col) {
        double[] v = rows.stream().mapToDouble(r -> r[col]).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static IndexWriterConfig config(KnnVectorsFormat format) {
        return new IndexWriterConfig().setCodec(new Lucene104Codec() {
            @Override
            public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                return format;
            }
        }).setUseCompoundFile(false);
    }

    /** Seconds for {index + flush + commit, forceMerge(1)}. */
    private static double[] run(Dataset data, VectorSimilarityFunction sim, KnnVectorsFormat format, int segments)
            throws IOException {
        Path dir = Files.createTempDirectory("lucene-index-times");
        try (Directory out = new MMapDirectory(dir)) {
            float[][] base = data.base();
            int perSegment = (base.length + segments - 1) / segments;
            long t0 = System.nanoTime();
            IndexWriterConfig first = config(format).setMergePolicy(NoMergePolicy.INSTANCE)
                    .setMaxBufferedDocs(perSegment).setRAMBufferSizeMB(IndexWriterConfig.DISABLE_AUTO_FLUSH);
            try (IndexWriter w = new IndexWriter(out, first)) {
                for (float[] v : base) {
                    Document d = new Document();
                    d.add(new KnnFloatVectorField(LuceneEngine.VECTOR_FIELD, v, sim));
                    w.addDocument(d);
                }
                w.commit();
            }
            long t1 = System.nanoTime();
            try (IndexWriter w = new IndexWriter(out, config(format).setMergePolicy(new TieredMergePolicy()))) {
                w.forceMerge(1);
                w.commit();
            }
            long t2 = System.nanoTime();
            return new double[] {(t1 - t0) / 1e9, (t2 - t1) / 1e9};
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }
}
