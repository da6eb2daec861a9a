package dev.quiver.opensearch;

import static org.opensearch.test.hamcrest.OpenSearchAssertions.assertAcked;
import static org.opensearch.test.hamcrest.OpenSearchAssertions.assertNoFailures;

import dev.quiver.opensearch.codec.VectorsFormatChoice;
import dev.quiver.opensearch.query.QuiverKnnQueryBuilder;
import java.io.IOException;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.opensearch.ExceptionsHelper;
import org.opensearch.action.search.SearchPhaseExecutionException;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.action.search.ShardSearchFailure;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.xcontent.XContentFactory;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.plugins.Plugin;
import org.opensearch.search.SearchHit;
import org.opensearch.test.OpenSearchIntegTestCase;
import org.opensearch.test.OpenSearchIntegTestCase.ClusterScope;
import org.opensearch.test.OpenSearchIntegTestCase.Scope;
import org.apache.lucene.tests.util.LuceneTestCase.ThrowingRunnable;

/**
 * Bad mappings, documents and queries: each answered with a 400 whose reason names the bad value, nothing indexed.
 * Also the JSON form of {@code quiver_knn} (through a wrapper query, parsed on the shards).
 */
@ClusterScope(scope = Scope.SUITE, numDataNodes = 1, numClientNodes = 0, supportsDedicatedMasters = false)
public class QuiverBadRequestTests extends OpenSearchIntegTestCase {

    private static final String INDEX = "bad";
    private static final int DIMENSION = 7;

    @Override
    protected Collection<Class<? extends Plugin>> nodePlugins() {
        return List.of(QuiverPlugin.class);
    }

    private static Settings.Builder settings(boolean quiver) {
        return Settings.builder().put("index.number_of_shards", 1).put("index.number_of_replicas", 0)
                .put(QuiverIndexSettings.ENABLED.getKey(), quiver);
    }

    private static XContentBuilder vectorMapping(String... params) throws IOException {
        XContentBuilder b = XContentFactory.jsonBuilder().startObject().startObject("properties")
                .startObject("vec").field("type", "quiver_vector");
        for (int i = 0; i < params.length; i += 2) {
            b.field(params[i], params[i + 1].matches("\\d+") ? (Object) Integer.valueOf(params[i + 1]) : params[i + 1]);
        }
        return b.endObject().startObject("tag").field("type", "keyword").endObject().endObject().endObject();
    }

    private static void assertBadRequest(ThrowingRunnable action, String... reasonParts) {
        Exception e = expectThrows(Exception.class, action);
        assertEquals("status of " + e, RestStatus.BAD_REQUEST, ExceptionsHelper.status(e));
        String reasons = reasons(e);
        for (String part : reasonParts) {
            assertTrue("reason [" + reasons + "] should contain [" + part + "]", reasons.contains(part));
        }
    }

    private static String reasons(Throwable e) {
        StringBuilder all = new StringBuilder();
        if (e instanceof SearchPhaseExecutionException search) {
            for (ShardSearchFailure failure : search.shardFailures()) {
                all.append(failure.reason()).append(" | ");
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append(" | ");
        }
        return all.toString();
    }

    public void testBadMappingsAreRejected() throws IOException {
        assertBadRequest(() -> prepareCreate("m1", settings(true)).setMapping(
                vectorMapping("dimension", "7", "similarity", "hamming")).get(), "unknown similarity [hamming]");
        assertBadRequest(() -> prepareCreate("m2", settings(true)).setMapping(
                vectorMapping("similarity", "cosine")).get(), "[dimension] is required", "[vec]");
        assertBadRequest(() -> prepareCreate("m3", settings(true)).setMapping(
                vectorMapping("dimension", "0")).get(), "[dimension] must be in [1, 4096], got [0]");
        assertBadRequest(() -> prepareCreate("m9", settings(true)).setMapping(
                vectorMapping("dimension", "2000")).get(),
                "[dimension] must be at most 1024 with index.quiver.vectors_format [quiver], got [2000]");
        assertBadRequest(() -> prepareCreate("m4", settings(true)).setMapping(
                vectorMapping("dimension", "7", "m", "1")).get(), "[m] must be in [2, 512], got [1]");
        assertBadRequest(() -> prepareCreate("m5", settings(true)).setMapping(
                vectorMapping("dimension", "7", "quantization", "pq")).get(), "unknown quantization [pq]");
        assertBadRequest(() -> prepareCreate("m6", settings(false)).setMapping(
                vectorMapping("dimension", "7")).get(), "needs the index setting [index.quiver: true]");
        assertBadRequest(() -> prepareCreate("m7", settings(true).put("index.quiver.vectors_format", "faiss")).get(),
                "unknown value [faiss] for [index.quiver.vectors_format]");
        assertBadRequest(() -> prepareCreate("m8", settings(true)).setMapping(
                vectorMapping("dimension", "7", "quantization", "sq8")).get(),
                "quantization [sq8] is not available with index.quiver.vectors_format [quiver]");
        // Lucene's HNSW baseline has an 8-bit variant.
        assertAcked(prepareCreate("sq8", settings(true).put("index.quiver.vectors_format", "lucene_hnsw"))
                .setMapping(vectorMapping("dimension", "7", "quantization", "sq8")));
        // Graph and vector parameters are fixed once mapped: segments already written depend on them.
        assertBadRequest(() -> client().admin().indices().preparePutMapping("sq8")
                .setSource(vectorMapping("dimension", "8", "quantization", "sq8")).get(),
                "Cannot update parameter [dimension] from [7] to [8]");
        assertFalse(indexExists("m9") || indexExists("m8") || indexExists("m1") || indexExists("m2") || indexExists("m3") || indexExists("m4")
                || indexExists("m5") || indexExists("m6") || indexExists("m7"));
    }

    public void testBadDocumentsAreRejectedAndNothingIndexed() throws IOException {
        assertAcked(prepareCreate(INDEX, settings(true)).setMapping(vectorMapping("dimension", "7")));
        assertAcked(prepareCreate("unit", settings(true)).setMapping(
                vectorMapping("dimension", "3", "similarity", "dot_product")));
        assertBadRequest(() -> index(INDEX, new float[DIMENSION - 1]), "[vec] has dimension 7 but the vector has 6 values");
        assertBadRequest(() -> index(INDEX, new float[DIMENSION + 2]), "[vec] has dimension 7 but the vector has 9 values");
        assertBadRequest(() -> client().prepareIndex(INDEX).setId("s").setSource(
                "{\"vec\": [1, 2, \"x\", 4, 5, 6, 7]}", org.opensearch.common.xcontent.XContentType.JSON).get(),
                "[vec] expects numbers, got [VALUE_STRING] at position 2");
        assertBadRequest(() -> client().prepareIndex(INDEX).setId("o").setSource(
                "{\"vec\": {\"a\": 1}}", org.opensearch.common.xcontent.XContentType.JSON).get(),
                "[vec] expects an array of 7 numbers");
        assertBadRequest(() -> index("unit", new float[] {1, 1, 1}), "dot_product", "unit-length", "1.7320508");
        index(INDEX, new float[] {1, 2, 3, 4, 5, 6, 7});
        refresh(INDEX, "unit");
        assertEquals(1, count(INDEX));
        assertEquals(0, count("unit"));
    }

    public void testBadQueriesAreRejected() throws IOException {
        assertAcked(prepareCreate(INDEX, settings(true)).setMapping(vectorMapping("dimension", "7", "similarity", "cosine")));
        index(INDEX, new float[] {1, 2, 3, 4, 5, 6, 7});
        refresh(INDEX);
        float[] good = {1, 0, 0, 0, 0, 0, 0};
        assertBadRequest(() -> search(new QuiverKnnQueryBuilder("tag", good, 3, null, null)),
                "[quiver_knn] needs a field of type [quiver_vector], but field [tag] is of type [keyword]");
        assertBadRequest(() -> search(new QuiverKnnQueryBuilder("missing", good, 3, null, null)),
                "[quiver_knn] field [missing] does not exist");
        assertBadRequest(() -> search(new QuiverKnnQueryBuilder("vec", new float[3], 3, null, null)),
                "[quiver_knn] vector has 3 values but field [vec] has dimension 7");
        assertBadRequest(() -> search(new QuiverKnnQueryBuilder("vec", new float[7], 3, null, null)),
                "cosine similarity, which is undefined for a zero vector");
        assertBadRequest(() -> search(QueryBuilders.termQuery("vec", "x")), "does not support term queries");
        assertBadRequest(() -> search(QueryBuilders.wrapperQuery("{\"quiver_knn\": {\"vec\": {\"vector\": [1,0,0,0,0,0,0]}}}")),
                "[quiver_knn] needs [k]");
        assertBadRequest(() -> search(QueryBuilders.wrapperQuery(
                "{\"quiver_knn\": {\"vec\": {\"vector\": [1,0,0,0,0,0,0], \"k\": 0}}}")), "[k] must be in [1, 10000], got [0]");
        assertBadRequest(() -> search(QueryBuilders.wrapperQuery(
                "{\"quiver_knn\": {\"vec\": {\"vector\": [1,0,0,0,0,0,0], \"k\": 3, \"ef\": 5}}}")),
                "[quiver_knn] does not support [ef]");
        assertBadRequest(() -> search(QueryBuilders.wrapperQuery(
                "{\"quiver_knn\": {\"vec\": {\"vector\": [1,\"a\"], \"k\": 3}}}")),
                "[vector] must hold numbers, got [VALUE_STRING] at position 1");
    }

    public void testJsonQueryMatchesBuilderQuery() throws IOException {
        assertAcked(prepareCreate(INDEX, settings(true).put("index.quiver.vectors_format",
                randomFrom(VectorsFormatChoice.values()).settingValue()))
                .setMapping(vectorMapping("dimension", "7", "similarity", "euclidean", "quantization", "none")));
        for (int i = 0; i < 50; i++) {
            float[] v = new float[DIMENSION];
            for (int j = 0; j < DIMENSION; j++) {
                v[j] = randomFloat();
            }
            client().prepareIndex(INDEX).setId("d" + i).setSource(XContentFactory.jsonBuilder().startObject()
                    .array("vec", v).field("tag", i % 2 == 0 ? "even" : "odd").endObject()).get();
        }
        refresh(INDEX);
        float[] q = {0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f};
        QuiverKnnQueryBuilder built = new QuiverKnnQueryBuilder("vec", q, 5, 40, QueryBuilders.termQuery("tag", "even"));
        String json = String.format(Locale.ROOT, "{\"quiver_knn\": {\"vec\": {\"vector\": %s, \"k\": 5, \"ef_search\": 40, "
                + "\"filter\": {\"term\": {\"tag\": \"even\"}}}}}", Arrays.toString(q));
        SearchHit[] fromBuilder = search(built).getHits().getHits();
        SearchHit[] fromJson = search(QueryBuilders.wrapperQuery(json)).getHits().getHits();
        assertEquals(5, fromBuilder.length);
        assertEquals(Arrays.stream(fromBuilder).map(SearchHit::getId).toList(),
                Arrays.stream(fromJson).map(SearchHit::getId).toList());
        for (SearchHit hit : fromBuilder) {
            assertEquals(0, Integer.parseInt(hit.getId().substring(1)) % 2);
        }
        // The builder's own JSON is what the parser reads back.
        SearchHit[] fromToString = search(QueryBuilders.wrapperQuery(built.toString())).getHits().getHits();
        assertEquals(Arrays.stream(fromBuilder).map(SearchHit::getId).toList(),
                Arrays.stream(fromToString).map(SearchHit::getId).toList());
    }

    private void index(String index, float[] vector) throws IOException {
        client().prepareIndex(index).setSource(XContentFactory.jsonBuilder().startObject()
                .array("vec", vector).endObject()).get();
    }

    private long count(String index) {
        return client().prepareSearch(index).setSize(0).setTrackTotalHits(true).get().getHits().getTotalHits().value();
    }

    private SearchResponse search(QueryBuilder query) {
        SearchResponse response = client().prepareSearch(INDEX).setQuery(query).setSize(10).get();
        assertNoFailures(response);
        return response;
    }
}
