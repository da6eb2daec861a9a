package dev.quiver.bench.hnsw;

import dev.quiver.Metric;
import dev.quiver.engine.hnsw.HnswConfig;
import dev.quiver.engine.hnsw.HnswIndex;
import dev.quiver.engine.hnsw.IndexStats;
import dev.quiver.engine.hnsw.SearchHits;
import dev.quiver.engine.hnsw.SearchMode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Recall/QPS/build-time runner for the HNSW engine on a TEXMEX data set (one query thread).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp ... \
 *   dev.quiver.bench.hnsw.HnswRunner DATASET_DIR METRIC [threads=2] [limit=all] [efs=10,20,40,80,160,320] [sq8=true]
 * </pre>
 * With {@code limit} below the base size the ground truth is recomputed exactly over the prefix.
 * Protocol: one unmeasured pass over all queries per ef (JIT warm-up), then passes repeated for at least 1 s.
 */
public final class HnswRunner {

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        Metric metric = Metric.parse(args[1]);
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        int limit = args.length > 3 ? Integer.parseInt(args[3]) : Integer.MAX_VALUE;
        String efList = args.length > 4 ? args[4] : "10,20,40,80,160,320";
        boolean sq8 = args.length <= 5 || Boolean.parseBoolean(args[5]);
        float[][] base = readFvecs(dir.resolve("base.fvecs"), limit);
        float[][] queries = readFvecs(dir.resolve("query.fvecs"), Integer.MAX_VALUE);
        int k = 10;
        int dim = base[0].length;
        HnswConfig cfg = new HnswConfig(dim, metric, 16, 200, 42, threads, 0);
        long t0 = System.nanoTime();
        HnswIndex index = HnswIndex.create(cfg);
        index.insertBatch(base);
        double buildSeconds = (System.nanoTime() - t0) / 1e9;
        IndexStats stats = index.stats();
        System.out.printf(Locale.ROOT, "dataset=%s n=%d dim=%d metric=%s threads=%d build_s=%.2f layers=%d "
                        + "avgDeg0=%.1f vectorBytes=%d graphBytes=%d kernels=%s%n",
                dir.getFileName(), base.length, dim, metric, threads, buildSeconds, stats.numLayers(),
                stats.avgDegree0(), stats.vectorBytes(), stats.graphBytes(), dev.quiver.simd.VectorOps.implementationName());
        int[][] truth = groundTruth(dir, index, queries, base.length, limit, k);
        String[] efs = efList.split(",");
        run(index, queries, truth, k, efs, "f32");
        if (sq8) {
            long q0 = System.nanoTime();
            index.enableQuantization();
            System.out.printf(Locale.ROOT, "sq8 train+encode_s=%.2f quantizedBytes=%d%n",
                    (System.nanoTime() - q0) / 1e9, index.stats().quantizedBytes());
            run(index, queries, truth, k, efs, "sq8");
            index.disableQuantization();
            run(index, queries, truth, k, efs, "f32-again");
        }
        index.close();
    }

    private static int[][] groundTruth(Path dir, HnswIndex index, float[][] queries, int n, int limit, int k)
            throws IOException {
        if (limit == Integer.MAX_VALUE && Files.exists(dir.resolve("groundtruth.ivecs"))) {
            return readIvecs(dir.resolve("groundtruth.ivecs"));
        }
        int[][] out = new int[queries.length][];
        for (int i = 0; i < queries.length; i++) {
            SearchHits h = index.search(queries[i], k, 0, null, SearchMode.EXACT);
            out[i] = java.util.Arrays.copyOf(h.slots(), h.size());
        }
        return out;
    }

    private static void run(HnswIndex index, float[][] queries, int[][] truth, int k, String[] efs, String label) {
        for (int round = 0; round < 2; round++) { // JIT warm-up over every ef before anything is timed
            for (String e : efs) {
                pass(index, queries, truth, k, Integer.parseInt(e.trim()));
            }
        }
        for (String e : efs) {
            int ef = Integer.parseInt(e.trim());
            double recall = pass(index, queries, truth, k, ef); // warm-up pass, also the recall
            long start = System.nanoTime();
            long done = 0;
            while (System.nanoTime() - start < 1_000_000_000L) {
                pass(index, queries, truth, k, ef);
                done += queries.length;
            }
            double qps = done / ((System.nanoTime() - start) / 1e9);
            System.out.printf(Locale.ROOT, "%s ef=%d recall@%d=%.4f qps=%.0f%n", label, ef, k, recall, qps);
        }
    }

    private static double pass(HnswIndex index, float[][] queries, int[][] truth, int k, int ef) {
        long found = 0;
        for (int i = 0; i < queries.length; i++) {
            SearchHits h = index.search(queries[i], k, ef, null, SearchMode.GRAPH);
            for (int a = 0; a < k; a++) {
                for (int b = 0; b < h.size(); b++) {
                    if (h.slots()[b] == truth[i][a]) {
                        found++;
                        break;
                    }
                }
            }
        }
        return (double) found / ((long) queries.length * k);
    }

    static float[][] readFvecs(Path file, int limit) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int dim = buf.getInt(0);
        int rows = Math.min(limit, buf.capacity() / (4 + 4 * dim));
        float[][] out = new float[rows][dim];
        for (int r = 0; r < rows; r++) {
            buf.getInt();
            for (int i = 0; i < dim; i++) {
                out[r][i] = buf.getFloat();
            }
        }
        return out;
    }

    static int[][] readIvecs(Path file) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int k = buf.getInt(0);
        int rows = buf.capacity() / (4 + 4 * k);
        int[][] out = new int[rows][k];
        for (int r = 0; r < rows; r++) {
            buf.getInt();
            for (int i = 0; i < k; i++) {
                out[r][i] = buf.getInt();
            }
        }
        return out;
    }
}
