package dev.quiver;

import dev.quiver.internal.db.DatabaseCore;
import dev.quiver.internal.db.InputChecks;
import dev.quiver.internal.db.JsonTransfer;
import dev.quiver.internal.db.QueryPlanner;
import dev.quiver.internal.db.WalRecord;
import dev.quiver.internal.meta.MetadataCodec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * An embedded vector database in one directory: vectors with string ids and JSON metadata, nearest-neighbour search
 * with metadata filters, durable through a write-ahead log and atomic snapshot generations.
 *
 * <pre>{@code
 * try (Database db = Database.open(Path.of("my_db"), Config.dim(384))) {
 *     db.add("a", vector, Map.of("category", "science"));
 *     List<SearchResult> hits = db.search(query, SearchParams.k(10).filter(Filter.eq("category", "science")));
 * }
 * }</pre>
 *
 * <h2>Writes</h2>
 * Every write validates all of its input first (a rejected call changes nothing), then appends its log record(s)
 * (one record per id; a batch is one append and, under {@link Durability#SYNC}, one force), then applies the change
 * in memory and returns. Recovery replays the same records through the same code, so a reopened database equals the
 * one that acknowledged the writes.
 *
 * <h2>Concurrency</h2>
 * Thread-safe. Writes are serialized (the log order is the apply order). Reads run concurrently with each other and
 * with writes; they never wait for a batch build or for a save's file writes, only for the few pointer swaps that
 * publish a change, so a search never sees a record half written, nor a new vector with old metadata. Any thread may
 * call: search and insert scratch comes from a pool the index owns, so a fresh virtual thread (one per call, as
 * {@link AsyncDatabase} uses) pays for nothing but its own start. A new platform thread per call is the exception:
 * its start and exit cost about as much CPU as a search (130-160 us on the project's 2-core machine) and left the
 * search itself 1.4-1.8x slower there (BENCHMARKS.md, issue 13 goal 3), so serve calls from a pool or virtual threads.
 *
 * <h2>Saves and opening</h2>
 * A save (explicit, at a log checkpoint, at compaction or at close) writes a new generation atomically and trims the
 * log; writers wait for it, readers do not. Opening maps the generation's files (index slabs, id map, metadata,
 * inverted index) without decoding records, after checking every file's checksum (corruption is never served), then
 * replays the log on top. Lazy opening is an explicit opt-in ({@code -Dquiver.verifyOnOpenBytes=<bytes>}: larger
 * files are checksummed in the background; if that finds damage, every later call throws
 * {@link CorruptDataException} naming the file, and no save copies unverified bytes). A log damaged in a way no crash
 * produces (a missing or empty {@code wal.vctrs} the saved state needs, a sealed segment that does not read to its
 * end) refuses the open with {@link CorruptDataException}; {@code -Dquiver.openUpToLogDamage=true} opens up to the
 * damage instead and renames the rest of the log aside.
 */
public final class Database implements AutoCloseable {

    private final DatabaseCore core;

    private Database(DatabaseCore core) {
        this.core = core;
    }

    // ------------------------------------------------------------------------------------------------ opening

    /**
     * Opens an existing database; its dimension, metric, m and efConstruction come from disk. A directory holding
     * only a log (never saved) is an existing database too (DEPARTURES.md D6).
     *
     * @throws DatabaseNotFoundException {@code database not found at '<path>'}
     * @throws DatabaseLockedException   when another process has it open
     */
    public static Database open(Path path) {
        InputChecks.notNull(path, "path");
        return new Database(DatabaseCore.openExisting(path));
    }

    /**
     * Opens the database at {@code path}, creating it (and the directory) when absent. An existing database must
     * have the configured dimension and metric (DEPARTURES.md D7); its m and efConstruction win over the config's.
     *
     * @throws DimensionMismatchException when the stored dimension differs, naming both
     * @throws InvalidArgumentException   when the stored metric differs, naming both
     */
    public static Database open(Path path, Config config) {
        InputChecks.notNull(path, "path");
        InputChecks.notNull(config, "config");
        return new Database(DatabaseCore.openOrCreate(path, config));
    }

    // ------------------------------------------------------------------------------------------------ writes

    public void add(String id, float[] vector) {
        add(id, vector, null);
    }

    /**
     * Adds a new record.
     *
     * @throws DuplicateIdException {@code id 'x' already exists, use upsert instead}
     */
    public void add(String id, float[] vector, Map<String, ?> metadata) {
        core.ensureOpen();
        InputChecks.id(id);
        InputChecks.vector(vector, dim(), "vector");
        WalRecord.Put put = new WalRecord.Put(true, id, vector.clone(), encode(MetadataCodec.validate(metadata)));
        core.write(live -> {
            if (live.test(id)) {
                throw duplicate(id);
            }
            return List.of(put);
        });
    }

    public void upsert(String id, float[] vector) {
        upsert(id, vector, null);
    }

    /** Adds the record, or replaces the vector and the whole metadata of an existing id ({@code null} clears it). */
    public void upsert(String id, float[] vector, Map<String, ?> metadata) {
        core.ensureOpen();
        InputChecks.id(id);
        InputChecks.vector(vector, dim(), "vector");
        WalRecord.Put put = new WalRecord.Put(false, id, vector.clone(), encode(MetadataCodec.validate(metadata)));
        core.write(live -> List.of(put));
    }

    public void addMany(List<String> ids, float[][] vectors) {
        addMany(ids, vectors, null);
    }

    /**
     * Adds new records, all or nothing: every id, vector and metadata is checked (including duplicates inside the
     * batch, DEPARTURES.md D5) before anything is written, then the batch is logged in one append and built in
     * parallel.
     */
    public void addMany(List<String> ids, float[][] vectors, List<? extends Map<String, ?>> metadatas) {
        core.ensureOpen();
        List<WalRecord.Put> puts = batch(ids, vectors, metadatas, true);
        HashSet<String> seen = new HashSet<>(puts.size() * 2);
        for (WalRecord.Put p : puts) {
            if (!seen.add(p.id())) {
                throw new DuplicateIdException("id '" + p.id() + "' appears more than once in the batch");
            }
        }
        if (puts.isEmpty()) {
            return;
        }
        core.write(live -> {
            for (WalRecord.Put p : puts) {
                if (live.test(p.id())) {
                    throw duplicate(p.id());
                }
            }
            return puts;
        });
    }

    public void upsertMany(List<String> ids, float[][] vectors) {
        upsertMany(ids, vectors, null);
    }

    /**
     * Upserts every record; when an id appears more than once in the batch, the last occurrence wins
     * (DEPARTURES.md D5).
     */
    public void upsertMany(List<String> ids, float[][] vectors, List<? extends Map<String, ?>> metadatas) {
        core.ensureOpen();
        List<WalRecord.Put> puts = lastOccurrenceWins(batch(ids, vectors, metadatas, false));
        if (puts.isEmpty()) {
            return;
        }
        core.write(live -> puts);
    }

    /**
     * Replaces the vector and/or the whole metadata of a live id; a {@code null} argument keeps that part.
     *
     * @throws InvalidArgumentException when both are null
     * @throws NotFoundException        {@code id 'x' not found} (checked before the dimension)
     */
    public void update(String id, float[] vectorOrNull, Map<String, ?> metadataOrNull) {
        core.ensureOpen();
        InputChecks.id(id);
        if (vectorOrNull == null && metadataOrNull == null) {
            throw new InvalidArgumentException("update of '" + id + "' needs a vector or metadata (both are null)");
        }
        Map<String, Object> meta = MetadataCodec.validate(metadataOrNull);
        core.write(live -> {
            if (!live.test(id)) {
                throw notFound(id);
            }
            if (vectorOrNull != null) {
                InputChecks.vector(vectorOrNull, dim(), "vector");
            }
            return List.of(new WalRecord.Update(id, vectorOrNull == null ? null : vectorOrNull.clone(),
                    encode(meta)));
        });
    }

    /** Deletes a live id; false when it is not live (nothing is logged then). */
    public boolean delete(String id) {
        core.ensureOpen();
        if (id == null) {
            throw new InvalidArgumentException("id must not be null");
        }
        return core.write(live -> live.test(id) ? List.of(new WalRecord.Delete(id)) : List.of()) == 1;
    }

    /** Deletes every live id of the collection (repeated ids count once); returns how many were deleted. */
    public int deleteMany(Collection<String> ids) {
        core.ensureOpen();
        if (ids == null) {
            throw new InvalidArgumentException("ids must not be null");
        }
        for (String id : ids) {
            if (id == null) {
                throw new InvalidArgumentException("ids must not contain null");
            }
        }
        return core.write(live -> {
            List<WalRecord.Delete> deletes = new ArrayList<>();
            HashSet<String> seen = new HashSet<>();
            for (String id : ids) {
                if (seen.add(id) && live.test(id)) {
                    deletes.add(new WalRecord.Delete(id));
                }
            }
            return deletes;
        });
    }

    private List<WalRecord.Put> batch(List<String> ids, float[][] vectors, List<? extends Map<String, ?>> metadatas,
                                      boolean addOnly) {
        if (ids == null) {
            throw new InvalidArgumentException("ids must not be null");
        }
        if (vectors == null) {
            throw new InvalidArgumentException("vectors must not be null");
        }
        InputChecks.sameLength(ids, vectors);
        InputChecks.sameLength(metadatas, ids);
        InputChecks.ids(ids);
        InputChecks.vectors(vectors, dim(), "vectors");
        List<WalRecord.Put> puts = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            Map<String, ?> m = metadatas == null ? null : metadatas.get(i);
            byte[] meta;
            try {
                meta = encode(MetadataCodec.validate(m));
            } catch (InvalidArgumentException e) {
                throw new InvalidArgumentException(e.getMessage() + " (metadatas[" + i + "], id '" + ids.get(i) + "')", e);
            }
            puts.add(new WalRecord.Put(addOnly, ids.get(i), vectors[i].clone(), meta));
        }
        return puts;
    }

    /** Keeps one put per id: the last one's content, at the first one's position (the order replay produces). */
    private static List<WalRecord.Put> lastOccurrenceWins(List<WalRecord.Put> puts) {
        LinkedHashMap<String, WalRecord.Put> byId = new LinkedHashMap<>(puts.size() * 2);
        for (WalRecord.Put p : puts) {
            byId.put(p.id(), p);
        }
        return byId.size() == puts.size() ? puts : new ArrayList<>(byId.values());
    }

    // ------------------------------------------------------------------------------------------------ reads

    public List<SearchResult> search(float[] query, int k) {
        InputChecks.k(k);
        return search(query, SearchParams.k(k));
    }

    /**
     * The nearest live records, nearest first. With a filter it returns k results whenever at least k records
     * match (DEPARTURES.md D3); {@code maxDistance} drops farther results after the top k are chosen.
     */
    public List<SearchResult> search(float[] query, SearchParams params) {
        core.ensureOpen();
        InputChecks.notNull(params, "params");
        InputChecks.vector(query, dim(), "query");
        if (params.k() == 0) {
            return List.of();
        }
        return core.read((index, catalog, filters) -> QueryPlanner.search(index, catalog, filters, query, params));
    }

    public List<List<SearchResult>> searchMany(float[][] queries, int k) {
        InputChecks.k(k);
        return searchMany(queries, SearchParams.k(k));
    }

    /** One result list per query, in order; every query is validated first, then they run in parallel. */
    public List<List<SearchResult>> searchMany(float[][] queries, SearchParams params) {
        core.ensureOpen();
        InputChecks.notNull(params, "params");
        InputChecks.vectors(queries, dim(), "queries");
        if (queries.length == 0) {
            return List.of();
        }
        if (params.k() == 0) {
            return Collections.nCopies(queries.length, List.of());
        }
        return core.read((index, catalog, filters) -> {
            // The filter is resolved once for the whole batch; the queries run on the common pool, in order.
            QueryPlanner.Prepared prepared = QueryPlanner.prepare(index, catalog, filters, params);
            return IntStream.range(0, queries.length).parallel()
                    .mapToObj(i -> prepared.search(queries[i]))
                    .toList();
        });
    }

    /**
     * The record of a live id.
     *
     * @throws NotFoundException {@code id 'x' not found}
     */
    public VectorRecord get(String id) {
        return find(id).orElseThrow(() -> notFound(id));
    }

    public Optional<VectorRecord> find(String id) {
        core.ensureOpen();
        if (id == null) {
            throw new InvalidArgumentException("id must not be null");
        }
        return core.read((index, catalog, filters) -> {
            int slot = catalog.slotOf(id);
            if (slot < 0) {
                return Optional.empty();
            }
            return Optional.of(new VectorRecord(id, index.vector(slot), QueryPlanner.exposed(catalog.metadata(slot))));
        });
    }

    public boolean contains(String id) {
        core.ensureOpen();
        if (id == null) {
            return false;
        }
        return core.read((index, catalog, filters) -> catalog.slotOf(id) >= 0);
    }

    /** Live records. */
    public long count() {
        return size();
    }

    /** Live records matching the filter, exactly (DEPARTURES.md D2). */
    public long count(Filter filter) {
        core.ensureOpen();
        if (filter == null) {
            throw new InvalidFilterException("invalid filter: filter must not be null");
        }
        return core.read((index, catalog, filters) -> filters.matchingSlots(filter, catalog).getLongCardinality());
    }

    /** Live ids in insertion order (DEPARTURES.md D10). */
    public List<String> ids() {
        return core.read((index, catalog, filters) -> catalog.ids());
    }

    public int size() {
        return core.read((index, catalog, filters) -> catalog.size());
    }

    public int dim() {
        return core.shape().dim();
    }

    public Metric metric() {
        return core.shape().metric();
    }

    /** The directory of this database. */
    public Path path() {
        return core.path();
    }

    /** The effective configuration: the stored shape plus this session's durability, threads and checkpoint size. */
    public Config config() {
        return core.config();
    }

    /** Tombstoned slots awaiting {@link #compact()}. */
    public int deletedCount() {
        return core.indexUnlocked().deletedCount();
    }

    /** Slots allocated, live and tombstoned. */
    public int totalSlots() {
        return core.indexUnlocked().totalSlots();
    }

    /**
     * Whether quantized search is on: SQ8 codes held for graph walks. Walks score them where they pay (float32
     * vectors beyond the last-level cache, or 384 dimensions and more) and stay on float32 elsewhere, which is faster
     * there and exact; {@link Stats#walksCodes()} says which applies now.
     */
    public boolean quantizedSearch() {
        return core.indexUnlocked().isQuantized();
    }

    // ------------------------------------------------------------------------------------------------ maintenance

    /** Writes a new generation and trims the log. */
    public void save() {
        core.save();
    }

    /**
     * Drops tombstones: builds the live records into a new index aside (searches continue on the old one), swaps
     * it in, renumbers ids and metadata, then saves so the new layout is durable. No-op without tombstones.
     */
    public void compact() {
        core.compact();
    }

    /**
     * Traverses on SQ8 codes from now on where they pay (re-ranking with float32; see {@link #quantizedSearch()});
     * a no-op on an empty database. Without {@link Config#quantize()} the switch lasts this session (as in vctrs): a
     * reopen searches float32 again. With it, codes are on from the first record and retrained at a save once the
     * index has doubled since they were trained.
     */
    public void enableQuantizedSearch() {
        core.enableQuantizedSearch();
    }

    /** Traverses on float32 vectors from now on; the quantize setting no longer turns codes back on this session. */
    public void disableQuantizedSearch() {
        core.disableQuantizedSearch();
    }

    /** Shape, memory and durability figures; {@link Stats#toMap()} has the vctrs keys. */
    public Stats stats() {
        return core.stats();
    }

    /**
     * Writes every live record, in insertion order, as vctrs's JSON document
     * ({@code {"version":1,"dim":..,"metric":..,"vectors":[{"id","vector","metadata"}...]}}), streaming.
     */
    public void exportJson(Path file, boolean pretty) {
        core.ensureOpen();
        InputChecks.notNull(file, "file");
        List<String> ids = ids();
        JsonTransfer.export(file, pretty, core.shape(), ids, this::find);
    }

    /**
     * Upserts every record of a vctrs JSON document, streaming. The document's dim must equal this database's.
     * The whole file is validated first (syntax, dim, and every id, vector and metadata as {@code upsertMany} checks
     * them), so a file with anything the database would refuse imports nothing; then records go in as
     * {@code upsertMany} batches, each applied all-or-nothing. Not atomic as a whole (neither is vctrs's): a batch
     * that fails as it is written (an I/O error), or one holding a metadata object too large for a log record (about
     * 256 MiB of JSON, the one check the validation pass leaves to the batch), leaves the earlier batches applied.
     */
    public void importJson(Path file) {
        core.ensureOpen();
        InputChecks.notNull(file, "file");
        JsonTransfer.importInto(file, dim(), this::upsertMany);
    }

    /** Saves, then releases the log, the mappings and the directory lock. Idempotent. */
    @Override
    public void close() {
        core.close();
    }

    /** Whether {@link #close()} has run. */
    public boolean isClosed() {
        return core.isClosed();
    }

    @Override
    public String toString() {
        return "Database[" + path() + ", dim=" + dim() + ", metric=" + metric().canonicalName() + "]";
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** The stored bytes of validated metadata; refuses metadata larger than a log record carries. */
    private static byte[] encode(Map<String, Object> normalized) {
        return normalized == null ? null : InputChecks.metadataBytes(MetadataCodec.encode(normalized));
    }

    private static DuplicateIdException duplicate(String id) {
        return new DuplicateIdException("id '" + id + "' already exists, use upsert instead");
    }

    private static NotFoundException notFound(String id) {
        return new NotFoundException("id '" + id + "' not found");
    }
}
