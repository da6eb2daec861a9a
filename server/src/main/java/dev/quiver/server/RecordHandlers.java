package dev.quiver.server;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.quiver.Database;
import dev.quiver.Filter;
import dev.quiver.SearchParams;
import dev.quiver.SearchResult;
import dev.quiver.VectorRecord;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/** The record routes: writes, reads and searches on one collection, in vctrs's JSON shapes. */
final class RecordHandlers {

    private final Collections collections;
    private final long maxBodyBytes;

    RecordHandlers(Collections collections, long maxBodyBytes) {
        this.collections = collections;
        this.maxBodyBytes = maxBodyBytes;
    }

    void handle(Route.Match m, HttpCall call) throws IOException {
        switch (m.route()) {
            case ADD -> {
                Fields f = body(call);
                Database db = collections.get(m.name());
                String id = f.requireString("id");
                db.add(id, f.requireVector("vector"), f.optObject("metadata"));
                call.json(200, Map.of("added", id));
            }
            case UPSERT -> {
                Fields f = body(call);
                Database db = collections.get(m.name());
                String id = f.requireString("id");
                db.upsert(id, f.requireVector("vector"), f.optObject("metadata"));
                call.json(200, Map.of("upserted", id));
            }
            case ADD_MANY -> {
                Fields f = body(call);
                Database db = collections.get(m.name());
                List<String> ids = f.requireStrings("ids");
                db.addMany(ids, f.requireVectors("vectors"), f.optObjects("metadatas"));
                call.json(200, Map.of("added", ids.size()));
            }
            case UPSERT_MANY -> {
                Fields f = body(call);
                Database db = collections.get(m.name());
                List<String> ids = f.requireStrings("ids");
                db.upsertMany(ids, f.requireVectors("vectors"), f.optObjects("metadatas"));
                call.json(200, Map.of("upserted", ids.size()));
            }
            case UPDATE -> {
                Fields f = body(call);
                Database db = collections.get(m.name());
                String id = f.requireString("id");
                db.update(id, f.optVector("vector"), f.optObject("metadata"));
                call.json(200, Map.of("updated", id));
            }
            case DELETE_MANY -> {
                Fields f = body(call);
                Database db = collections.get(m.name());
                call.json(200, Map.of("deleted", db.deleteMany(f.requireStrings("ids"))));
            }
            case DELETE -> call.json(200, Map.of("deleted", collections.get(m.name()).delete(m.id())));
            case GET -> {
                VectorRecord r = collections.get(m.name()).get(m.id());
                call.json(200, g -> {
                    g.writeStartObject();
                    g.writeStringField("id", r.id());
                    g.writeFieldName("vector");
                    Json.writeVector(g, r.vector());
                    g.writeFieldName("metadata");
                    Json.write(g, r.metadata());
                    g.writeEndObject();
                });
            }
            case SEARCH -> {
                Fields f = body(call);
                Database db = collections.get(m.name());
                SearchParams params = searchParams(f);
                List<SearchResult> hits = db.search(f.requireVector("vector"), params);
                call.json(200, g -> writeHits(g, hits));
            }
            case SEARCH_MANY -> {
                Fields f = body(call);
                Database db = collections.get(m.name());
                SearchParams params = searchParams(f);
                List<List<SearchResult>> all = db.searchMany(f.requireVectors("vectors"), params);
                call.json(200, g -> {
                    g.writeStartArray();
                    for (List<SearchResult> hits : all) {
                        writeHits(g, hits);
                    }
                    g.writeEndArray();
                });
            }
            default -> throw new IllegalStateException("not a record route: " + m.route());
        }
    }

    private Fields body(HttpCall call) throws IOException {
        return Fields.of(call.body(maxBodyBytes));
    }

    /** {@code k} (default 10), {@code ef_search}, {@code filter}, {@code max_distance}, and Quiver's {@code exact}. */
    static SearchParams searchParams(Fields f) {
        SearchParams p = SearchParams.k(f.optInt("k", SearchParams.DEFAULT_K));
        if (f.has("ef_search")) {
            p = p.efSearch(f.optInt("ef_search", 0));
        }
        Filter filter = f.optFilter("filter");
        if (filter != null) {
            p = p.filter(filter);
        }
        Float maxDistance = f.optFloat("max_distance");
        if (maxDistance != null) {
            p = p.maxDistance(maxDistance);
        }
        return p.exact(f.optBoolean("exact", false));
    }

    /** {@code [{"id","distance","metadata"}]}, metadata null when absent (as vctrs). */
    static void writeHits(JsonGenerator g, List<SearchResult> hits) throws IOException {
        g.writeStartArray();
        for (SearchResult h : hits) {
            g.writeStartObject();
            g.writeStringField("id", h.id());
            g.writeNumberField("distance", h.distance());
            g.writeFieldName("metadata");
            Json.write(g, h.metadata());
            g.writeEndObject();
        }
        g.writeEndArray();
    }
}
