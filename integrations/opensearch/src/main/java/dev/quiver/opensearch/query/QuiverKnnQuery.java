package dev.quiver.opensearch.query;

import java.util.Locale;
import java.util.Objects;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TopDocs;

/**
 * Lucene's k-NN query with a beam wider than the answer: each segment is searched with {@code efSearch} candidates,
 * and the shard keeps the best {@code k} over all its segments. Scores are the field similarity's Lucene scores.
 */
public final class QuiverKnnQuery extends KnnFloatVectorQuery {

    private final int resultCount;

    public QuiverKnnQuery(String field, float[] target, int k, int efSearch, Query filter) {
        super(field, target, Math.max(k, efSearch), filter);
        this.resultCount = k;
    }

    /** How many hits a shard keeps (the query's {@link #getK()} is the search beam). */
    public int resultCount() {
        return resultCount;
    }

    @Override
    protected TopDocs mergeLeafResults(TopDocs[] perLeafResults) {
        return TopDocs.merge(resultCount, perLeafResults);
    }

    @Override
    public boolean equals(Object other) {
        return super.equals(other) && resultCount == ((QuiverKnnQuery) other).resultCount;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), resultCount);
    }

    @Override
    public String toString(String field) {
        return String.format(Locale.ROOT, "QuiverKnnQuery[k=%d, %s]", resultCount, super.toString(field));
    }
}
