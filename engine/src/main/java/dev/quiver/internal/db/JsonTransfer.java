package dev.quiver.internal.db;

import dev.quiver.StorageException;
import dev.quiver.VectorRecord;
import dev.quiver.internal.json.JsonExporter;
import dev.quiver.internal.json.JsonImporter;
import dev.quiver.storage.ReplacingOutputStream;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
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
 * <p>Import atomicity: the importer validates the whole file first (syntax, dim, and every id, vector and metadata
 * as the database checks them), so a file with anything the database would refuse imports nothing; the records then
 * go in as {@code upsertMany} batches of {@link JsonImporter#DEFAULT_BATCH_SIZE}, each applied all-or-nothing. A batch
 * that fails as it is written (an I/O error), or that holds metadata too large for one log record (not measured in
 * the validation pass, which would encode every record's metadata for a limit of about 256 MiB), leaves the earlier
 * batches applied: the import as a whole is not atomic, as in vctrs.
 */
public final class JsonTransfer {

    private JsonTransfer() {
    }

    /** Receives one batch of imported records. */
    @FunctionalInterface
    public interface BatchSink {
        void upsertMany(List<String> ids, float[][] vectors, List<Map<String, Object>> metadatas);
    }

    /**
     * Writes the records of {@code ids} in that order (a record deleted meanwhile is skipped), whole or not at all:
     * into {@code <file>.tmp}, forced and renamed over {@code file}; a failure leaves {@code file} as it was.
     */
    public static void export(Path file, boolean pretty, DbShape shape, List<String> ids,
                              Function<String, Optional<VectorRecord>> lookup) {
        try (ReplacingOutputStream target = new ReplacingOutputStream(file)) {
            OutputStream out = new BufferedOutputStream(target, 1 << 16);
            try (JsonExporter exporter = new JsonExporter(nonClosing(out), shape.dim(), shape.metric(), pretty)) {
                for (String id : ids) {
                    Optional<VectorRecord> r = lookup.apply(id);
                    if (r.isPresent()) {
                        exporter.write(r.get());
                    }
                }
            }
            out.flush();
            target.commit();
        } catch (IOException e) {
            throw new StorageException("io error: cannot write '" + file + "': " + e, e);
        } catch (dev.quiver.storage.StorageFailure e) {
            throw StorageErrors.map(e);
        }
    }

    /** The exporter closes its stream when done; the commit must come after that, so the close is not passed on. */
    private static OutputStream nonClosing(OutputStream out) {
        return new java.io.FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }

    /** Validates the document, then hands its records to {@code sink} in batches. */
    public static void importInto(Path file, int dim, BatchSink sink) {
        try {
            // The vector checks upsertMany makes (ids and metadata the importer checks itself), before any batch.
            JsonImporter.importFile(file, dim, JsonImporter.DEFAULT_BATCH_SIZE,
                    r -> InputChecks.vector(r.vector(), dim, "vector of record '" + r.id() + "'"), batch -> {
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
