package dev.quiver.server;

import dev.quiver.Config;
import dev.quiver.Database;
import dev.quiver.Filter;
import dev.quiver.Metric;
import dev.quiver.Stats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The collection routes: create, list, delete, configuration, stats, count, save, compact, and the streamed JSON
 * export and import (through a temporary file beside the data, so neither document is ever held in memory).
 */
final class CollectionHandlers {

    private final Collections collections;
    private final Path tempDir;
    private final long maxBodyBytes;
    private final long maxImportBytes;

    CollectionHandlers(Collections collections, Path tempDir, long maxBodyBytes, long maxImportBytes) {
        this.collections = collections;
        this.tempDir = tempDir;
        this.maxBodyBytes = maxBodyBytes;
        this.maxImportBytes = maxImportBytes;
    }

    void handle(Route.Match m, HttpCall call) throws IOException {
        switch (m.route()) {
            case LIST_COLLECTIONS -> call.json(200, collections.names());
            case CREATE_COLLECTION -> {
                Fields f = Fields.of(call.body(maxBodyBytes));
                String name = f.requireString("name");
                Config config = Config.dim(f.requireInt("dim"));
                if (f.has("metric")) {
                    config = config.metric(Metric.parse(f.requireString("metric")));
                }
                config = config.m(f.optInt("m", Config.DEFAULT_M))
                        .efConstruction(f.optInt("ef_construction", Config.DEFAULT_EF_CONSTRUCTION))
                        .quantize(f.optBoolean("quantize", false));
                collections.create(name, config);
                call.json(200, Map.of("created", name));
            }
            case DELETE_COLLECTION -> call.json(200, Map.of("deleted", collections.delete(m.name())));
            case COLLECTION_CONFIG -> {
                Database db = collections.get(m.name());
                Config c = db.config();
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("name", m.name());
                out.put("dim", c.dim());
                out.put("metric", c.metric().canonicalName());
                out.put("m", c.m());
                out.put("ef_construction", c.efConstruction());
                out.put("quantize", c.quantize());
                out.put("durability", c.durability().name().toLowerCase(java.util.Locale.ROOT));
                out.put("num_vectors", db.size());
                call.json(200, out);
            }
            case STATS -> {
                Database db = collections.get(m.name());
                Stats s = db.stats();
                // vctrs's five keys first, with its metric spelling (the Rust Debug name lower-cased), then Quiver's.
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("num_vectors", s.numVectors());
                out.put("num_deleted", s.numDeleted());
                out.put("num_layers", s.numLayers());
                out.put("dim", db.dim());
                out.put("metric", vctrsServerMetricName(db.metric()));
                s.toMap().forEach(out::putIfAbsent);
                call.json(200, out);
            }
            case COUNT -> {
                Database db = collections.get(m.name());
                String filter = call.query().get("filter");
                call.json(200, Map.of("count", filter == null ? db.count() : db.count(Filter.parse(filter))));
            }
            case COUNT_FILTERED -> {
                Fields f = Fields.of(call.body(maxBodyBytes));
                Database db = collections.get(m.name());
                Filter filter = f.optFilter("filter");
                call.json(200, Map.of("count", filter == null ? db.count() : db.count(filter)));
            }
            case SAVE -> {
                collections.get(m.name()).save();
                call.json(200, Map.of("saved", m.name()));
            }
            case COMPACT -> {
                collections.get(m.name()).compact();
                call.json(200, Map.of("compacted", m.name()));
            }
            case EXPORT -> export(m, call);
            case IMPORT -> importDocument(m, call);
            default -> throw new IllegalStateException("not a collection route: " + m.route());
        }
    }

    private void export(Route.Match m, HttpCall call) throws IOException {
        Database db = collections.get(m.name());
        boolean pretty = "true".equals(call.query().get("pretty"));
        Path file = tempFile("export-");
        try {
            db.exportJson(file, pretty);
            call.setHeader("Content-Disposition", "attachment; filename=\"" + m.name() + ".json\"");
            call.sendFile(200, "application/json", file);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private void importDocument(Route.Match m, HttpCall call) throws IOException {
        Database db = collections.get(m.name());
        Path file = tempFile("import-");
        try {
            call.bodyTo(file, maxImportBytes);
            if (Files.size(file) == 0) {
                throw ApiException.malformed("malformed JSON: empty request body");
            }
            try {
                db.importJson(file);
            } catch (dev.quiver.CorruptDataException e) {
                // A malformed document is the request body's fault; any other corruption is the database's (500).
                if (e.getMessage() != null && e.getMessage().startsWith("corrupt data: invalid JSON")) {
                    throw new ApiException(400, "invalid_document", e.getMessage(), e);
                }
                throw e;
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("imported", m.name());
            out.put("num_vectors", db.size());
            call.json(200, out);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private Path tempFile(String prefix) throws IOException {
        Files.createDirectories(tempDir);
        return Files.createTempFile(tempDir, prefix, ".json");
    }

    /** vctrs-server prints the metric's Rust Debug name lower-cased: {@code dotproduct}, not {@code dot_product}. */
    static String vctrsServerMetricName(Metric metric) {
        return metric == Metric.DOT_PRODUCT ? "dotproduct" : metric.canonicalName();
    }
}
