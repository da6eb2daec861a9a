package dev.quiver.springai.autoconfigure;

import dev.quiver.Config;
import dev.quiver.Durability;
import dev.quiver.Metric;
import org.springframework.boot.context.properties.ConfigurationProperties;

import java.nio.file.Path;

/**
 * {@code spring.ai.vectorstore.quiver.*}: where the Quiver database lives and how a new one is built.
 *
 * <p>The database is the directory {@code path/collection}, opened when present and created otherwise. The dimension,
 * metric, m and efConstruction shape a new database; an existing one must have the same dimension and metric (and
 * keeps its own m and efConstruction). {@code quantize} and {@code durability} apply to every session.
 */
@ConfigurationProperties(QuiverVectorStoreProperties.PREFIX)
public class QuiverVectorStoreProperties {

    public static final String PREFIX = "spring.ai.vectorstore.quiver";
    public static final String DEFAULT_COLLECTION = "vector_store";

    /** Root directory of the collections (required). */
    private Path path;

    /** Collection name: the database directory under the path. Letters, digits, '-' and '_'. */
    private String collection = DEFAULT_COLLECTION;

    /** Vector dimension of a new database; unset means the embedding model's dimensions(). */
    private Integer dimensions;

    /** Distance metric: cosine, euclidean (or l2) or dot (or dot_product, dot-product). */
    private Metric metric = Metric.COSINE;

    /** HNSW links per node of a new database. */
    private int m = Config.DEFAULT_M;

    /** HNSW build beam width of a new database. */
    private int efConstruction = Config.DEFAULT_EF_CONSTRUCTION;

    /** Keep SQ8 codes and walk them where they pay, re-ranking with the float vectors. */
    private boolean quantize;

    /** When a write is acknowledged: DEFAULT (handed to the OS; survives a killed process) or SYNC (forced to disk). */
    private Durability durability = Durability.DEFAULT;

    public Path getPath() {
        return path;
    }

    public void setPath(Path path) {
        this.path = path;
    }

    public String getCollection() {
        return collection;
    }

    public void setCollection(String collection) {
        this.collection = collection;
    }

    public Integer getDimensions() {
        return dimensions;
    }

    public void setDimensions(Integer dimensions) {
        this.dimensions = dimensions;
    }

    public Metric getMetric() {
        return metric;
    }

    public void setMetric(Metric metric) {
        this.metric = metric;
    }

    public int getM() {
        return m;
    }

    public void setM(int m) {
        this.m = m;
    }

    public int getEfConstruction() {
        return efConstruction;
    }

    public void setEfConstruction(int efConstruction) {
        this.efConstruction = efConstruction;
    }

    public boolean isQuantize() {
        return quantize;
    }

    public void setQuantize(boolean quantize) {
        this.quantize = quantize;
    }

    public Durability getDurability() {
        return durability;
    }

    public void setDurability(Durability durability) {
        this.durability = durability;
    }
}
