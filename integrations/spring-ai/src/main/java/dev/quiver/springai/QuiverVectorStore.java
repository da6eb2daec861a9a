package dev.quiver.springai;

import dev.quiver.Config;
import dev.quiver.Database;
import dev.quiver.Durability;
import dev.quiver.Filter;
import dev.quiver.Metric;
import dev.quiver.SearchParams;
import dev.quiver.SearchResult;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.EmbeddingOptions;
import org.springframework.ai.observation.conventions.VectorStoreSimilarityMetric;
import org.springframework.ai.vectorstore.AbstractVectorStoreBuilder;
import org.springframework.ai.vectorstore.SearchRequest;
import org.springframework.ai.vectorstore.observation.AbstractObservationVectorStore;
import org.springframework.ai.vectorstore.observation.VectorStoreObservationContext;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A Spring AI {@link org.springframework.ai.vectorstore.VectorStore} kept in a Quiver {@link Database}.
 *
 * <pre>{@code
 * try (QuiverVectorStore store = QuiverVectorStore.builder(Path.of("vectors"), embeddingModel)
 *         .collection("docs").metric(Metric.COSINE).build()) {
 *     store.add(List.of(new Document("Quiver is an embedded vector database", Map.of("lang", "en"))));
 *     List<Document> hits = store.similaritySearch(SearchRequest.builder().query("vector database")
 *             .topK(3).similarityThreshold(0.5).filterExpression("lang == 'en'").build());
 * }
 * }</pre>
 *
 * <ul>
 *   <li>Adding: texts are embedded through the {@link EmbeddingModel} in the batches of the
 *       {@link org.springframework.ai.embedding.BatchingStrategy}, then written in one database batch (all or
 *       nothing). The document id is the record id; adding an existing id replaces it. Text and metadata are stored
 *       as Quiver metadata, value types preserved (see {@link DocumentCodec}).</li>
 *   <li>Searching: {@code topK} is the search's k, {@code similarityThreshold} a distance bound inside the search,
 *       the filter expression a Quiver filter (see {@link FilterTranslator}). Each document carries its similarity
 *       in [0, 1] as its score (see {@link SimilarityScores}) and Quiver's distance under the metadata key
 *       {@code distance}.</li>
 *   <li>Deleting by filter selects the matching ids through Quiver's index, then deletes them in one batch; a
 *       document added meanwhile is not deleted.</li>
 *   <li>Observations: every operation is observed with the provider name {@value #PROVIDER}.</li>
 *   <li>Thread safety is the database's: every method may be called from several threads.</li>
 * </ul>
 *
 * A store built from a path owns its database and closes it in {@link #close()}; a store built on a
 * {@link Database} leaves closing it to the caller.
 */
public final class QuiverVectorStore extends AbstractObservationVectorStore implements AutoCloseable {

    /** The {@code db.system} name of this store's observations. */
    public static final String PROVIDER = "quiver";

    private final Database db;
    private final boolean ownsDatabase;
    private final String collectionName;
    private final SimilarityScores scores;

    private QuiverVectorStore(Builder builder, Database db, boolean ownsDatabase, String collectionName) {
        super(builder);
        this.db = db;
        this.ownsDatabase = ownsDatabase;
        this.collectionName = collectionName;
        this.scores = new SimilarityScores(db.metric());
    }

    /** A builder of a store on an open database, which the caller keeps and closes. */
    public static Builder builder(Database database, EmbeddingModel embeddingModel) {
        return new Builder(Objects.requireNonNull(database, "database"), null, embeddingModel);
    }

    /**
     * A builder of a store on the database at {@code path} (or at {@code path/collection} when a collection is
     * named), opened or created by {@link Builder#build()} and closed with the store.
     */
    public static Builder builder(Path path, EmbeddingModel embeddingModel) {
        return new Builder(null, Objects.requireNonNull(path, "path"), embeddingModel);
    }

    /** The underlying database. */
    public Database database() {
        return db;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> Optional<T> getNativeClient() {
        return Optional.of((T) db);
    }

    // ------------------------------------------------------------------------------------------------ writes

    @Override
    public void doAdd(List<Document> documents) {
        if (documents == null) {
            throw new IllegalArgumentException("documents must not be null");
        }
        if (documents.isEmpty()) {
            return;
        }
        // Metadata is checked before anything is embedded: a bad document costs no embedding call.
        List<String> ids = new ArrayList<>(documents.size());
        List<Map<String, Object>> metadatas = new ArrayList<>(documents.size());
        for (Document document : documents) {
            if (document == null) {
                throw new IllegalArgumentException("documents must not contain null");
            }
            ids.add(document.getId());
            metadatas.add(DocumentCodec.encode(document));
        }
        List<float[]> embeddings = embeddingModel.embed(documents, EmbeddingOptions.builder().build(),
                batchingStrategy);
        if (embeddings.size() != documents.size()) {
            throw new IllegalStateException("the embedding model returned " + embeddings.size()
                    + " embeddings for " + documents.size() + " documents");
        }
        db.upsertMany(ids, embeddings.toArray(float[][]::new), metadatas);
    }

    @Override
    public void doDelete(List<String> idList) {
        if (idList == null) {
            throw new IllegalArgumentException("ids must not be null");
        }
        if (!idList.isEmpty()) {
            db.deleteMany(idList);
        }
    }

    /**
     * Deletes every document the expression accepts: an exact filtered scan for as many results as the filter
     * matches (the query vector is irrelevant, every match comes back), then one batch delete.
     */
    @Override
    protected void doDelete(org.springframework.ai.vectorstore.filter.Filter.Expression filterExpression) {
        Filter filter = FilterTranslator.translate(filterExpression);
        long matching = db.count(filter);
        if (matching == 0) {
            return;
        }
        float[] anyQuery = new float[db.dim()];
        Arrays.fill(anyQuery, 1f);
        int k = (int) Math.min(matching, Integer.MAX_VALUE);
        List<String> doomed = new ArrayList<>(k);
        for (SearchResult hit : db.search(anyQuery, new SearchParams(k, 0, filter, null, true))) {
            doomed.add(hit.id());
        }
        db.deleteMany(doomed);
    }

    // ------------------------------------------------------------------------------------------------ search

    @Override
    public List<Document> doSimilaritySearch(SearchRequest request) {
        if (request == null) {
            throw new IllegalArgumentException("search request must not be null");
        }
        double threshold = request.getSimilarityThreshold();
        Float maxDistance = scores.maxDistance(threshold);
        SearchParams params = SearchParams.k(request.getTopK());
        if (request.getFilterExpression() != null) {
            params = params.filter(FilterTranslator.translate(request.getFilterExpression()));
        }
        if (maxDistance != null) {
            params = params.maxDistance(maxDistance);
        }
        if (request.getTopK() == 0) {
            return List.of();
        }
        float[] query = embeddingModel.embed(request.getQuery());
        List<SearchResult> hits = db.search(query, params);
        List<Document> documents = new ArrayList<>(hits.size());
        for (SearchResult hit : hits) {
            double similarity = scores.similarity(hit.distance());
            if (similarity < threshold) {
                break; // nearest first: every later hit is less similar
            }
            documents.add(DocumentCodec.decode(hit.id(), hit.metadata(), similarity, hit.distance()));
        }
        return documents;
    }

    @Override
    public VectorStoreObservationContext.Builder createObservationContextBuilder(String operationName) {
        return VectorStoreObservationContext.builder(PROVIDER, operationName)
                .collectionName(collectionName)
                .dimensions(db.dim())
                .similarityMetric(similarityMetric(db.metric()));
    }

    private static String similarityMetric(Metric metric) {
        return switch (metric) {
            case COSINE -> VectorStoreSimilarityMetric.COSINE.value();
            case EUCLIDEAN -> VectorStoreSimilarityMetric.EUCLIDEAN.value();
            case DOT_PRODUCT -> VectorStoreSimilarityMetric.DOT.value();
        };
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
        return "QuiverVectorStore[" + db.path() + ", " + db.metric().canonicalName() + ", dim " + db.dim() + "]";
    }

    /**
     * Builds a store on an open database, or on a path opened (or created) at {@link #build()}. For a new database
     * the dimension is {@link #dimensions}, or else the embedding model's; an existing one must have that dimension
     * and the metric, and keeps its own m and efConstruction.
     */
    public static final class Builder extends AbstractVectorStoreBuilder<Builder> {

        private final Database database;
        private final Path path;
        private String collection;
        private Integer dimensions;
        private Metric metric = Metric.COSINE;
        private int m = Config.DEFAULT_M;
        private int efConstruction = Config.DEFAULT_EF_CONSTRUCTION;
        private boolean quantize;
        private Durability durability = Durability.DEFAULT;
        private boolean pathSettingsGiven;

        private Builder(Database database, Path path, EmbeddingModel embeddingModel) {
            super(embeddingModel);
            this.database = database;
            this.path = path;
        }

        /** The collection: the database lives in {@code path/collection}. Letters, digits, '-' and '_'. */
        public Builder collection(String collection) {
            if (collection == null || !collection.matches("[A-Za-z0-9_-]+")) {
                throw new IllegalArgumentException("collection name must be letters, digits, '-' or '_', got '"
                        + collection + "'");
            }
            this.collection = collection;
            return pathSetting();
        }

        /** Vector dimension of a new database (default: the embedding model's {@code dimensions()}). */
        public Builder dimensions(int dimensions) {
            if (dimensions < 1) {
                throw new IllegalArgumentException("dimensions must be at least 1, got " + dimensions);
            }
            this.dimensions = dimensions;
            return pathSetting();
        }

        /** Distance metric (default cosine); checked against an existing database. */
        public Builder metric(Metric metric) {
            this.metric = Objects.requireNonNull(metric, "metric");
            return pathSetting();
        }

        /** HNSW links per node of a new database (default {@value Config#DEFAULT_M}). */
        public Builder m(int m) {
            this.m = m;
            return pathSetting();
        }

        /** HNSW build beam width of a new database (default {@value Config#DEFAULT_EF_CONSTRUCTION}). */
        public Builder efConstruction(int efConstruction) {
            this.efConstruction = efConstruction;
            return pathSetting();
        }

        /** Keep SQ8 codes and search on them, with float re-ranking (default false). */
        public Builder quantize(boolean quantize) {
            this.quantize = quantize;
            return pathSetting();
        }

        /** When a write is acknowledged (default {@link Durability#DEFAULT}). */
        public Builder durability(Durability durability) {
            this.durability = Objects.requireNonNull(durability, "durability");
            return pathSetting();
        }

        private Builder pathSetting() {
            pathSettingsGiven = true;
            return this;
        }

        /** The Quiver configuration this builder opens its path with. */
        private Config config() {
            int dim = dimensions != null ? dimensions : embeddingModel.dimensions();
            return Config.dim(dim).metric(metric).m(m).efConstruction(efConstruction).quantize(quantize)
                    .durability(durability);
        }

        /** The directory of the database this builder opens. */
        private Path databasePath() {
            return collection == null ? path : path.resolve(collection);
        }

        @Override
        public QuiverVectorStore build() {
            if (database != null) {
                if (pathSettingsGiven) {
                    throw new IllegalArgumentException("collection, dimensions, metric, m, efConstruction, quantize"
                            + " and durability configure a path; this store is built on an open database");
                }
                return new QuiverVectorStore(this, database, false, database.path().getFileName().toString());
            }
            Config config = config();
            Path dir = databasePath();
            Database opened = Database.open(dir, config);
            try {
                return new QuiverVectorStore(this, opened, true, dir.getFileName().toString());
            } catch (RuntimeException e) {
                opened.close();
                throw e;
            }
        }
    }
}
