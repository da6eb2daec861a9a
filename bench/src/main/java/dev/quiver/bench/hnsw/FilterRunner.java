package dev.quiver.bench.hnsw;

import dev.quiver.Metric;
import dev.quiver.internal.hnsw.HnswConfig;
import dev.quiver.internal.hnsw.HnswIndex;
import dev.quiver.internal.hnsw.SearchHits;
import dev.quiver.internal.hnsw.SearchMode;
import dev.quiver.internal.hnsw.SlotFilter;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * Filtered search: for random filters of several acceptance ratios, CPU microseconds per k=10 query of the filtered
 * graph traversal (GRAPH) and of the exact scan of the accepted slots (EXACT, enumerating the bitmap), and the graph's
 * recall against the exact answer.
 *
 * <pre>java ... dev.quiver.bench.hnsw.FilterRunner DATASET_DIR METRIC ratios=0.005,0.01,0.02,0.05,0.1,0.5 ef=100</pre>
 */
public final class FilterRunner {

    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    record Bits(BitSet bits, int count) implements SlotFilter {
        @Override
        public boolean accept(int slot) {
            return bits.get(slot);
        }

        @Override
        public int estimatedCount() {
            return count;
        }

        @Override
        public boolean forEachAccepted(int limit, IntConsumer consumer) {
            for (int s = bits.nextSetBit(0); s >= 0 && s < limit; s = bits.nextSetBit(s + 1)) {
                consumer.accept(s);
            }
            return true;
        }
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        Metric metric = Metric.parse(args[1]);
        double[] ratios = Arrays.stream(args[2].split(",")).mapToDouble(Double::parseDouble).toArray();
        int ef = Integer.parseInt(args[3]);
        float[][] base = HnswRunner.readFvecs(dir.resolve("base.fvecs"), Integer.MAX_VALUE);
        float[][] queries = HnswRunner.readFvecs(dir.resolve("query.fvecs"), 200);
        try (HnswIndex index = HnswIndex.create(new HnswConfig(base[0].length, metric, 16, 200, 42, 2, 0))) {
            index.insertBatch(base);
            for (double p : ratios) {
                SplittableRandom rnd = new SplittableRandom(7);
                BitSet bits = new BitSet(base.length);
                for (int i = 0; i < base.length; i++) {
                    if (rnd.nextDouble() < p) {
                        bits.set(i);
                    }
                }
                Bits filter = new Bits(bits, bits.cardinality());
                double recall = 0;
                for (float[] q : queries) {
                    SearchHits exact = index.search(q, 10, ef, filter, SearchMode.EXACT);
                    SearchHits graph = index.search(q, 10, ef, filter, SearchMode.GRAPH);
                    int found = 0;
                    for (int i = 0; i < exact.size(); i++) {
                        for (int j = 0; j < graph.size(); j++) {
                            if (exact.slots()[i] == graph.slots()[j]) {
                                found++;
                                break;
                            }
                        }
                    }
                    recall += exact.size() == 0 ? 1 : (double) found / exact.size();
                }
                recall /= queries.length;
                double[] exactUs = new double[5];
                double[] graphUs = new double[5];
                for (int r = 0; r < 7; r++) {
                    double e = time(index, queries, ef, filter, SearchMode.EXACT);
                    double g = time(index, queries, ef, filter, SearchMode.GRAPH);
                    if (r >= 2) {
                        exactUs[r - 2] = e;
                        graphUs[r - 2] = g;
                    }
                }
                Arrays.sort(exactUs);
                Arrays.sort(graphUs);
                System.out.printf(Locale.ROOT, "| %.3f | %d | %.1f | %.1f | %.2f | %.4f |%n", p, filter.count(),
                        exactUs[2], graphUs[2], exactUs[2] / graphUs[2], recall);
            }
        }
    }

    private static double time(HnswIndex index, float[][] queries, int ef, SlotFilter filter, SearchMode mode) {
        long start = CPU.getCurrentThreadCpuTime();
        for (float[] q : queries) {
            index.search(q, 10, ef, filter, mode);
        }
        return (CPU.getCurrentThreadCpuTime() - start) / 1e3 / queries.length;
    }
}
