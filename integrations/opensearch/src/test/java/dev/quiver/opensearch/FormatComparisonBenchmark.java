package dev.quiver.opensearch;

import dev.quiver.datasets.SharedDatasets;
import dev.quiver.datasets.VecsFormat;
import static org.opensearch.test.hamcrest.OpenSearchAssertions.assertAcked;
import static org.opensearch.test.hamcrest.OpenSearchAssertions.assertNoFailures;

import dev.quiver.opensearch.codec.VectorsFormatChoice;
import dev.quiver.opensearch.query.QuiverKnnQueryBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.opensearch.action.bulk.BulkRequestBuilder;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.xcontent.XContentFactory;
import org.opensearch.plugins.Plugin;
import org.opensearch.search.SearchHit;
import org.opensearch.test.OpenSearchIntegTestCase;
import org.opensearch.test.OpenSearchIntegTestCase.ClusterScope;
import org.opensearch.test.OpenSearchIntegTestCase.Scope;

/**
 * Not part of the test run (the name matches no Surefire include): one cluster, two indexes of the same data set,
 * one written with Quiver's format and one with Lucene's HNSW at the same M / ef_construction; the same quiver_knn
 * queries against both. Run with
 * {@code ./mvnw -pl integrations/opensearch -am test -Dtest=FormatComparisonBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 * ({@code -Dquiver.datasets=DIR} where the shared data sets live; {@code -Dquiver.bench.dataset=bigann-10k}).
 */
@ClusterScope(scope = Scope.SUITE, numDataNodes = 2, numClientNodes = 0, supportsDedicatedMasters = false)
public class FormatComparisonBenchmark extends OpenSearchIntegTestCase {

    private static final int K = 10;
    private static final int[] EF_SEARCH = {10, 20, 40, 80, 160};
    private static final int M = 16;
    private static final int EF_CONSTRUCTION = 100;

    @Override
    protected Collection<Class<? extends Plugin>> nodePlugins() {
        return List.of(QuiverPlugin.class);
    }

    public void testCompareFormats() throws Exception {
        String dataset = System.getProperty("quiver.bench.dataset", "bigann-10k");
        Path root = SharedDatasets.root();
        assumeTrue("data set " + dataset + " not found (set -Dquiver.datasets=DIR)",
                root != null && Files.isDirectory(root.resolve(dataset)));
        Path dir = root.resolve(dataset);
        float[][] base = VecsFormat.readFvecs(dir.resolve("base.fvecs"));
        float[][] queries = VecsFormat.readFvecs(dir.resolve("query.fvecs"));
        int[][] truth = VecsFormat.readIvecs(dir.resolve("groundtruth.ivecs"));
        String similarity = dataset.contains("minilm") ? "cosine" : "euclidean";
        String load = Files.readString(Path.of("/proc/loadavg")).trim();
        // A throw-away index first, so neither measured index pays for JIT warm-up alone.
        createAndFill("warmup", VectorsFormatChoice.LUCENE_HNSW, similarity, java.util.Arrays.copyOf(base, 2000));
        createAndFill("warmup2", VectorsFormatChoice.QUIVER, similarity, java.util.Arrays.copyOf(base, 2000));
        Map<VectorsFormatChoice, double[]> buildSeconds = new EnumMap<>(VectorsFormatChoice.class);
        for (VectorsFormatChoice format : VectorsFormatChoice.values()) {
            buildSeconds.put(format, createAndFill(indexName(format), format, similarity, base));
        }
        // Rounds alternate the formats at each ef_search; the median round is reported (the machine is shared).
        int rounds = Integer.getInteger("quiver.bench.rounds", 3);
        Map<String, List<Double>> qps = new HashMap<>();
        Map<String, Double> recall = new HashMap<>();
        for (int ef : EF_SEARCH) {
            for (VectorsFormatChoice format : VectorsFormatChoice.values()) {
                run(indexName(format), queries, truth, ef); // warm-up pass
            }
            for (int round = 0; round < rounds; round++) {
                for (VectorsFormatChoice format : VectorsFormatChoice.values()) {
                    long start = System.nanoTime();
                    double r = run(indexName(format), queries, truth, ef);
                    double seconds = (System.nanoTime() - start) / 1e9;
                    String key = format.settingValue() + "@" + ef;
                    qps.computeIfAbsent(key, x -> new ArrayList<>()).add(queries.length / seconds);
                    recall.put(key, r);
                }
            }
        }
        StringBuilder report = new StringBuilder();
        report.append(String.format(Locale.ROOT,
                "data set %s: %d x %d, %d queries, %s; 2 data nodes, 2 shards x 1 replica; M=%d ef_construction=%d; "
                        + "k=%d; median of %d alternating rounds; /proc/loadavg at start: %s%n%n",
                dataset, base.length, base[0].length, queries.length, similarity, M, EF_CONSTRUCTION, K, rounds, load));
        report.append("| format | bulk index + refresh s | force-merge s | ef_search | recall@10 | QPS (1 client thread) |\n");
        report.append("|---|---|---|---|---|---|\n");
        for (VectorsFormatChoice format : VectorsFormatChoice.values()) {
            double[] build = buildSeconds.get(format);
            for (int ef : EF_SEARCH) {
                String key = format.settingValue() + "@" + ef;
                List<Double> runs = new ArrayList<>(qps.get(key));
                java.util.Collections.sort(runs);
                report.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %d | %.4f | %.0f |%n",
                        format.settingValue(), build[0], build[1], ef, recall.get(key), runs.get(runs.size() / 2)));
            }
        }
        logger.info("format comparison\n{}", report);
        Files.writeString(Path.of(System.getProperty("quiver.bench.out", "target/opensearch-format-comparison.md")),
                report.toString());
    }

    private static String indexName(VectorsFormatChoice format) {
        return "bench-" + format.settingValue().replace('_', '-');
    }

    /** Creates the index, bulk-loads the vectors, force-merges; returns {index seconds, force-merge seconds}. */
    private double[] createAndFill(String index, VectorsFormatChoice format, String similarity, float[][] base)
            throws IOException {
        assertAcked(prepareCreate(index, Settings.builder()
                .put("index.number_of_shards", 2).put("index.number_of_replicas", 1)
                .put(QuiverIndexSettings.ENABLED.getKey(), true)
                .put(QuiverIndexSettings.VECTORS_FORMAT.getKey(), format.settingValue()))
                .setMapping(XContentFactory.jsonBuilder().startObject().startObject("properties")
                        .startObject("vec").field("type", "quiver_vector").field("dimension", base[0].length)
                        .field("similarity", similarity).field("m", M).field("ef_construction", EF_CONSTRUCTION)
                        .endObject().endObject().endObject()));
        ensureGreen(index);
        long start = System.nanoTime();
        for (int from = 0; from < base.length; from += 500) {
            BulkRequestBuilder bulk = client().prepareBulk();
            for (int i = from; i < Math.min(base.length, from + 500); i++) {
                bulk.add(client().prepareIndex(index).setId(Integer.toString(i))
                        .setSource(XContentFactory.jsonBuilder().startObject().array("vec", base[i]).endObject()));
            }
            assertFalse(bulk.get().hasFailures());
            refresh(index); // several segments per shard, so the force-merge has work to do
        }
        double indexSeconds = (System.nanoTime() - start) / 1e9;
        start = System.nanoTime();
        assertNoFailures(client().admin().indices().prepareForceMerge(index).setMaxNumSegments(1).get());
        refresh(index);
        double mergeSeconds = (System.nanoTime() - start) / 1e9;
        ensureGreen(index);
        return new double[] {indexSeconds, mergeSeconds};
    }

    private double run(String index, float[][] queries, int[][] truth, int ef) {
        int found = 0;
        for (int q = 0; q < queries.length; q++) {
            SearchResponse response = client().prepareSearch(index)
                    .setQuery(new QuiverKnnQueryBuilder("vec", queries[q], K, ef, null))
                    .setSize(K).setFetchSource(false).get();
            Set<String> exact = new HashSet<>();
            for (int i = 0; i < K; i++) {
                exact.add(Integer.toString(truth[q][i]));
            }
            for (SearchHit hit : response.getHits().getHits()) {
                if (exact.contains(hit.getId())) {
                    found++;
                }
            }
        }
        return found / (double) (queries.length * K);
    }
}
