package dev.quiver.internal.filter;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.quiver.CorruptDataException;
import dev.quiver.Filter;
import dev.quiver.internal.meta.JsonSupport;
import dev.quiver.internal.meta.MetadataCodec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Evaluates one filter on stored metadata bytes ({@link MetadataCodec} form) without decoding whole records: only the
 * top-level fields the filter names are materialized, the rest are skipped by the parser. Worth it when records carry
 * large fields a filter does not look at (text, embeddings of other kinds, nested documents). Immutable and
 * thread-safe; prepare once per query.
 */
public final class EncodedMatcher {

    private final Filter filter;
    private final Set<String> fields;

    public EncodedMatcher(Filter filter) {
        this.filter = filter;
        this.fields = new HashSet<>();
        collectFields(filter, fields);
    }

    private static void collectFields(Filter f, Set<String> out) {
        switch (f) {
            case Filter.All a -> { }
            case Filter.Eq e -> out.add(e.field());
            case Filter.Ne e -> out.add(e.field());
            case Filter.In e -> out.add(e.field());
            case Filter.Nin e -> out.add(e.field());
            case Filter.Range r -> out.add(r.field());
            case Filter.Exists e -> out.add(e.field());
            case Filter.And a -> a.children().forEach(c -> collectFields(c, out));
            case Filter.Or o -> o.children().forEach(c -> collectFields(c, out));
            case Filter.Not n -> collectFields(n.child(), out);
        }
    }

    /** The fields the filter reads. */
    public Set<String> fields() {
        return Set.copyOf(fields);
    }

    /** Whether a record with these stored bytes (null: no metadata) matches. */
    public boolean matches(byte[] encoded) {
        if (encoded == null) {
            return FilterEvaluator.matches(filter, null);
        }
        Map<String, Object> relevant = new HashMap<>();
        try (JsonParser p = JsonSupport.FACTORY.createParser(encoded)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new CorruptDataException("corrupt data: stored metadata is not a JSON object");
            }
            String name;
            while ((name = p.nextFieldName()) != null) {
                p.nextToken();
                if (fields.contains(name)) {
                    relevant.put(name, JsonSupport.readValue(p));
                } else {
                    p.skipChildren();
                }
            }
        } catch (JsonProcessingException e) {
            throw new CorruptDataException("corrupt data: stored metadata is not valid JSON: " + JsonSupport.describe(e), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Values read back from the codec are already normalized, except object key order, which equality ignores.
        return FilterEvaluator.matches(filter, relevant);
    }
}
