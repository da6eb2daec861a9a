package dev.quiver.internal.db;

import dev.quiver.StorageException;
import dev.quiver.VectorRecord;
import dev.quiver.internal.json.JsonExporter;
import dev.quiver.internal.json.JsonImporter;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The database's side of JSON export and import; the document format and its streaming reader and writer live in
 * {@code internal.json} ({@link JsonExporter}, {@link JsonImporter}).
 *
 * <p>Import atomicity: the importer validates the whole file first (syntax, dim, every vector's length), so a
 * malformed file imports nothing; the records then go in as {@code upsertMany} batches of
 * {@link JsonImporter#DEFAULT_BATCH_SIZE}, each validated completely and applied all-or-nothing. A batch rejected by
 * the database (e.g. invalid metadata or a bad id) leaves the earlier batches applied: the import as a whole is not
 * atomic, as in vctrs.
 */
public final class JsonTransfer {

    private JsonTransfer() {
    }

    /** Receives one batch of imported records. */
    @FunctionalInterface
    public interface BatchSink {
        void upsertMany(List<String> ids, float[][] vectors, List<Map<String, Object>> metadatas);
    }

    /** Writes the records of {@code ids} in that order (a record deleted meanwhile is skipped). */
    public static void export(Path file, boolean pretty, DbShape shape, List<String> ids,
                              Function<String, Optional<VectorRecord>> lookup) {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
             JsonExporter exporter = new JsonExporter(out, shape.dim(), shape.metric(), pretty)) {
            for (String id : ids) {
                Optional<VectorRecord> r = lookup.apply(id);
                if (r.isPresent()) {
                    exporter.write(r.get());
                }
            }
        } catch (IOException e) {
            throw new StorageException("io error: cannot write '" + file + "': " + e, e);
        }
    }

    /** Validates the document, then hands its records to {@code sink} in batches. */
    public static void importInto(Path file, int dim, BatchSink sink) {
        try {
            JsonImporter.importFile(file, dim, JsonImporter.DEFAULT_BATCH_SIZE, batch -> {
                List<String> ids = new ArrayList<>(batch.size());
                float[][] vectors = new float[batch.size()][];
                List<Map<String, Object>> metas = new ArrayList<>(batch.size());
                for (int i = 0; i < batch.size(); i++) {
                    VectorRecord r = batch.get(i);
                    ids.add(r.id());
                    vectors[i] = r.vector();
                    metas.add(r.metadata());
                }
                sink.upsertMany(ids, vectors, metas);
            });
        } catch (NoSuchFileException e) {
            throw new StorageException("io error: No such file or directory: '" + file + "'", e);
        } catch (IOException e) {
            throw new StorageException("io error: cannot read '" + file + "': " + e, e);
        }
    }
}
