package dev.quiver.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import dev.quiver.SearchResult;
import dev.quiver.server.Json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** JSON and table output of the commands. */
final class Output {

    private Output() {
    }

    static String json(Object value, boolean pretty) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (JsonGenerator g = Json.generator(buf)) {
            if (pretty) {
                g.setPrettyPrinter(new DefaultPrettyPrinter());
            }
            Json.write(g, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    /** vctrs's search shape: {@code [{"id","distance","metadata"}]}. */
    static List<Map<String, Object>> hits(List<SearchResult> results) {
        return results.stream().map(r -> {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("id", r.id());
            m.put("distance", r.distance());
            m.put("metadata", r.metadata());
            return m;
        }).toList();
    }

    /** A fixed-width table: rank, id, distance, metadata. */
    static void table(PrintStream out, List<SearchResult> results) {
        int idWidth = 2;
        for (SearchResult r : results) {
            idWidth = Math.max(idWidth, r.id().length());
        }
        idWidth = Math.min(idWidth, 48);
        out.println(String.format(Locale.ROOT, "%4s  %-" + idWidth + "s  %12s  %s", "rank", "id", "distance",
                "metadata"));
        int rank = 1;
        for (SearchResult r : results) {
            out.println(String.format(Locale.ROOT, "%4d  %-" + idWidth + "s  %12.6g  %s", rank++, r.id(),
                    r.distance(), r.metadata() == null ? "" : json(r.metadata(), false)));
        }
        if (results.isEmpty()) {
            out.println("(no results)");
        }
    }
}
