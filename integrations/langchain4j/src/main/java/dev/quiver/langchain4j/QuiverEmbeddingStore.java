package dev.quiver.langchain4j;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingSearchResult;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.filter.Filter;
import dev.quiver.Config;
import dev.quiver.Database;
import dev.quiver.InvalidArgumentException;
import dev.quiver.Metric;
import dev.quiver.SearchParams;
import dev.quiver.SearchResult;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static dev.langchain4j.internal.ValidationUtils.ensureNotBlank;
import static dev.langchain4j.internal.ValidationUtils.ensureNotEmpty;
import static dev.langchain4j.internal.ValidationUtils.ensureNotNull;

/**
 * A LangChain4j {@link EmbeddingStore} of {@link TextSegment}s kept in a Quiver {@link Database}.
 *
 * <pre>{@code
 * try (QuiverEmbeddingStore store = QuiverEmbeddingStore.builder()
 *         .path(Path.of("vectors")).dimension(384).metric(Metric.COSINE).build()) {
 *     store.add(embedding, TextSegment.from("text", Metadata.from("lang", "en")));
 * }
 * }</pre>
 *
 * <ul>
 *   <li>Segments: text and metadata are stored as Quiver metadata, value types preserved (see {@link MetadataCodec}).
 *       A record added without a segment comes back with {@code embedded() == null} and, for filters, has empty
 *       metadata.</li>
 *   <li>Ids: {@code add} without an id generates a random UUID string; adding an id that exists replaces it.</li>
 *   <li>Scores: higher is better, a strictly decreasing function of Quiver's distance per metric (see
 *       {@link RelevanceScores}); for cosine it is LangChain4j's {@code (cos + 1) / 2}. {@code minScore} becomes a
 *       distance bound inside the search ({@link SearchParams#maxDistance}).</li>
 *   <li>Filters: translated into Quiver filters so the inverted index selects candidates; conditions Quiver cannot
 *       express (ContainsString, ranges on strings) are evaluated exactly on the candidates, fetching more until
 *       {@code maxResults} matches are found or the candidates run out (see {@link FilterTranslator}). Those
 *       conditions are evaluated by LangChain4j's own {@code Filter.test}, which throws
 *       {@code IllegalArgumentException} when a stored value's type cannot be compared with the filter's (a string
 *       against a number), as LangChain4j's in-memory store does.</li>
 *   <li>Each match carries its stored vector ({@code match.embedding()}), read from the database per match.</li>
 *   <li>Thread safety is the database's: every method may be called from several threads.</li>
 * </ul>
 *
 * A store built from a path owns its database and closes it in {@link #close()}; a store built from a
 * {@link Database} leaves closing it to the caller.
 */
public final class QuiverEmbeddingStore implements EmbeddingStore<TextSegment>, AutoCloseable {

    /** The first over-fetch factor when part of the filter is evaluated after the search. */
    private static final int OVERFETCH = 4;
    /** The smallest candidate batch of an over-fetching search. */
    private static final int MIN_BATCH = 32;

    private final Database db;
    private final boolean ownsDatabase;
    private final RelevanceScores scores;

    private QuiverEmbeddingStore(Database db, boolean ownsDatabase) {
        this.db = Objects.requireNonNull(db, "database");
        this.ownsDatabase = ownsDatabase;
        this.scores = new RelevanceScores(db.metric());
    }

    /** A store on an open database, which the caller keeps and closes. */
    public static QuiverEmbeddingStore from(Database database) {
        return new QuiverEmbeddingStore(database, false);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The underlying database. */
    public Database database() {
        return db;
    }

    // ------------------------------------------------------------------------------------------------ writes

    @Override
    public String add(Embedding embedding) {
        String id = generateIds(1).getFirst();
        add(id, embedding);
        return id;
    }

    @Override
    public void add(String id, Embedding embedding) {
        ensureNotBlank(id, "id");
        ensureNotNull(embedding, "embedding");
        db.upsert(id, embedding.vector());
    }

    @Override
    public String add(Embedding embedding, TextSegment segment) {
        ensureNotNull(embedding, "embedding");
        String id = generateIds(1).getFirst();
        db.upsert(id, embedding.vector(), MetadataCodec.encode(segment));
        return id;
    }

    @Override
    public List<String> addAll(List<Embedding> embeddings) {
        List<String> ids = generateIds(embeddings.size());
        addAll(ids, embeddings, null);
        return ids;
    }

    /** Adds (or replaces) every record in one batch; {@code segments} may be {@code null} for none. */
    @Override
    public void addAll(List<String> ids, List<Embedding> embeddings, List<TextSegment> segments) {
        ensureNotNull(ids, "ids");
        ensureNotNull(embeddings, "embeddings");
        if (ids.size() != embeddings.size()) {
            throw new IllegalArgumentException("ids and embeddings must have the same size, got "
                    + ids.size() + " and " + embeddings.size());
        }
        if (segments != null && segments.size() != embeddings.size()) {
            throw new IllegalArgumentException("segments and embeddings must have the same size, got "
                    + segments.size() + " and " + embeddings.size());
        }
        if (ids.isEmpty()) {
            return;
        }
        float[][] vectors = new float[embeddings.size()][];
        List<Map<String, Object>> metadatas = new ArrayList<>(embeddings.size());
        for (int i = 0; i < vectors.length; i++) {
            ensureNotBlank(ids.get(i), "id");
            vectors[i] = ensureNotNull(embeddings.get(i), "embedding").vector();
            metadatas.add(segments == null ? null : MetadataCodec.encode(segments.get(i)));
        }
        db.upsertMany(ids, vectors, metadatas);
    }

    @Override
    public void remove(String id) {
        ensureNotBlank(id, "id");
        db.delete(id);
    }

    @Override
    public void removeAll(Collection<String> ids) {
        ensureNotEmpty(ids, "ids");
        db.deleteMany(ids);
    }

    /**
     * Removes every record the filter accepts. The translated filter selects the candidates through Quiver's index (an
     * exact filtered scan asked for as many results as the filter matches: the query vector is irrelevant, every
     * match comes back); conditions Quiver cannot express are then evaluated on each candidate.
     */
    @Override
    public void removeAll(Filter filter) {
        ensureNotNull(filter, "filter");
        FilterTranslator.Translation translation = FilterTranslator.translate(filter);
        long candidates = db.count(translation.filter());
        if (candidates == 0) {
            return;
        }
        float[] anyQuery = new float[db.dim()];
        Arrays.fill(anyQuery, 1f);
        SearchParams all = new SearchParams((int) Math.min(candidates, Integer.MAX_VALUE), 0,
                translation.filter(), null, true);
        List<String> doomed = new ArrayList<>();
        for (SearchResult hit : db.search(anyQuery, all)) {
            if (translation.exact() || filter.test(MetadataCodec.metadata(hit.metadata()))) {
                doomed.add(hit.id());
            }
        }
        if (!doomed.isEmpty()) {
            db.deleteMany(doomed);
        }
    }

    @Override
    public void removeAll() {
        List<String> ids = db.ids();
        if (!ids.isEmpty()) {
            db.deleteMany(ids);
        }
    }

    // ------------------------------------------------------------------------------------------------ search

    @Override
    public EmbeddingSearchResult<TextSegment> search(EmbeddingSearchRequest request) {
        ensureNotNull(request, "request");
        int k = request.maxResults();
        double minScore = request.minScore();
        float[] query = ensureNotNull(request.queryEmbedding(), "queryEmbedding").vector();
        Filter filter = request.filter();
        FilterTranslator.Translation translation = filter == null ? null : FilterTranslator.translate(filter);
        boolean postFilter = translation != null && !translation.exact();

        SearchParams params = SearchParams.k(k);
        if (translation != null) {
            params = params.filter(translation.filter());
        }
        Float maxDistance = scores.maxDistance(minScore);
        if (maxDistance != null) {
            params = params.maxDistance(maxDistance);
        }

        int batch = postFilter ? Math.max(k * OVERFETCH, MIN_BATCH) : k;
        while (true) {
            int live = db.size();
            int fetch = Math.max(1, Math.min(batch, live));
            List<SearchResult> hits = db.search(query, withK(params, fetch));
            List<EmbeddingMatch<TextSegment>> matches = new ArrayList<>(Math.min(k, hits.size()));
            for (SearchResult hit : hits) {
                if (matches.size() == k) {
                    break;
                }
                double score = scores.score(hit.distance());
                if (score < minScore) {
                    break; // nearest first: every later hit scores lower
                }
                if (postFilter && !filter.test(MetadataCodec.metadata(hit.metadata()))) {
                    continue;
                }
                db.find(hit.id()).ifPresent(r -> matches.add(new EmbeddingMatch<>(
                        score, hit.id(), Embedding.from(r.vector()), MetadataCodec.decode(hit.metadata()))));
            }
            // Done when k matches are found, or the search already returned every candidate it could.
            if (matches.size() >= k || hits.size() < fetch || fetch >= live) {
                return new EmbeddingSearchResult<>(matches);
            }
            batch = (int) Math.min((long) fetch * OVERFETCH, Integer.MAX_VALUE);
        }
    }

    private static SearchParams withK(SearchParams p, int k) {
        return new SearchParams(k, p.efSearch(), p.filter(), p.maxDistance(), p.exact());
    }

    /** Closes the database when this store opened it. */
    @Override
    public void close() {
        if (ownsDatabase) {
            db.close();
        }
    }

    @Override
    public String toString() {
        return "QuiverEmbeddingStore[" + db.path() + ", " + db.metric().canonicalName() + ", dim " + db.dim() + "]";
    }

    /** Builds a store from a {@link Database}, or from a path (opened or created with dimension and metric). */
    public static final class Builder {
        private Database database;
        private Path path;
        private Integer dimension;
        private Metric metric = Metric.COSINE;
        private boolean metricGiven;
        private Config config;

        private Builder() {
        }

        /** An open database; the store does not close it. Excludes {@link #path}. */
        public Builder database(Database database) {
            this.database = database;
            return this;
        }

        /** The database directory, opened (or created when absent) by {@link #build()} and closed with the store. */
        public Builder path(Path path) {
            this.path = path;
            return this;
        }

        /** Vector dimension, needed to create a database (checked against an existing one). */
        public Builder dimension(int dimension) {
            this.dimension = dimension;
            return this;
        }

        /** Distance metric for a new database (default cosine; checked against an existing one). */
        public Builder metric(Metric metric) {
            this.metric = Objects.requireNonNull(metric, "metric");
            this.metricGiven = true;
            return this;
        }

        /** A full Quiver configuration for a new database; overrides {@link #dimension} and {@link #metric}. */
        public Builder config(Config config) {
            this.config = config;
            return this;
        }

        public QuiverEmbeddingStore build() {
            if (database != null) {
                if (path != null || dimension != null || config != null) {
                    throw new IllegalArgumentException("give either a database or a path (with dimension/config), not both");
                }
                checkMetric(database);
                return new QuiverEmbeddingStore(database, false);
            }
            if (path == null) {
                throw new IllegalArgumentException("a database or a path is required");
            }
            Config cfg = config;
            if (cfg == null) {
                cfg = dimension == null ? null : Config.dim(dimension).metric(metric);
            }
            Database db = cfg == null ? Database.open(path) : Database.open(path, cfg);
            try {
                checkMetric(db); // an existing database opened without a dimension: Database.open checked nothing
            } catch (RuntimeException e) {
                db.close();
                throw e;
            }
            return new QuiverEmbeddingStore(db, true);
        }

        /** A metric given to the builder must be the database's: it is never silently ignored. */
        private void checkMetric(Database db) {
            if (metricGiven && db.metric() != metric) {
                throw new InvalidArgumentException("metric mismatch: database at '" + db.path() + "' uses "
                        + db.metric().canonicalName() + ", the builder asks for " + metric.canonicalName());
            }
        }
    }
}
