package dev.quiver.opensearch.query;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.opensearch.core.common.ParsingException;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.index.query.AbstractQueryBuilder;
import org.opensearch.index.query.QueryBuilder;

/** Parses {@code {"quiver_knn": {"<field>": {"vector": [...], "k": 10, "ef_search": 100, "filter": {...}}}}}. */
final class QuiverKnnQueryParser {

    private QuiverKnnQueryParser() {}

    static QuiverKnnQueryBuilder parse(XContentParser parser) throws IOException {
        String fieldName = null;
        float[] vector = null;
        Integer k = null;
        Integer efSearch = null;
        QueryBuilder filter = null;
        float boost = AbstractQueryBuilder.DEFAULT_BOOST;
        String queryName = null;

        XContentParser.Token token = parser.nextToken();
        if (token != XContentParser.Token.FIELD_NAME) {
            throw error(parser, "[%s] expects an object keyed by the vector field name", QuiverKnnQueryBuilder.NAME);
        }
        fieldName = parser.currentName();
        if (parser.nextToken() != XContentParser.Token.START_OBJECT) {
            throw error(parser, "[%s] field [%s] must hold an object", QuiverKnnQueryBuilder.NAME, fieldName);
        }
        String current = null;
        while ((token = parser.nextToken()) != XContentParser.Token.END_OBJECT) {
            if (token == XContentParser.Token.FIELD_NAME) {
                current = parser.currentName();
            } else if ("vector".equals(current) && token == XContentParser.Token.START_ARRAY) {
                vector = readVector(parser);
            } else if ("filter".equals(current) && token == XContentParser.Token.START_OBJECT) {
                filter = AbstractQueryBuilder.parseInnerQueryBuilder(parser);
            } else if (token.isValue()) {
                switch (current) {
                    case "k" -> k = parser.intValue(false);
                    case "ef_search" -> efSearch = parser.intValue(false);
                    case "boost" -> boost = parser.floatValue();
                    case "_name" -> queryName = parser.text();
                    default -> throw error(parser, "[%s] does not support [%s]", QuiverKnnQueryBuilder.NAME, current);
                }
            } else {
                throw error(parser, "[%s] unexpected [%s] for [%s]", QuiverKnnQueryBuilder.NAME, token, current);
            }
        }
        if (parser.nextToken() != XContentParser.Token.END_OBJECT) {
            throw error(parser, "[%s] takes exactly one field, found another: [%s]",
                    QuiverKnnQueryBuilder.NAME, parser.currentName());
        }
        if (vector == null) {
            throw error(parser, "[%s] needs [vector]", QuiverKnnQueryBuilder.NAME);
        }
        if (k == null) {
            throw error(parser, "[%s] needs [k]", QuiverKnnQueryBuilder.NAME);
        }
        try {
            return new QuiverKnnQueryBuilder(fieldName, vector, k, efSearch, filter).boost(boost).queryName(queryName);
        } catch (IllegalArgumentException e) {
            throw new ParsingException(parser.getTokenLocation(), e.getMessage(), e);
        }
    }

    private static float[] readVector(XContentParser parser) throws IOException {
        List<Float> values = new ArrayList<>();
        XContentParser.Token token;
        while ((token = parser.nextToken()) != XContentParser.Token.END_ARRAY) {
            if (token != XContentParser.Token.VALUE_NUMBER) {
                throw error(parser, "[%s] [vector] must hold numbers, got [%s] at position %d",
                        QuiverKnnQueryBuilder.NAME, token, values.size());
            }
            values.add(parser.floatValue());
        }
        float[] vector = new float[values.size()];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = values.get(i);
        }
        return vector;
    }

    private static ParsingException error(XContentParser parser, String format, Object... args) {
        return new ParsingException(parser.getTokenLocation(), String.format(Locale.ROOT, format, args));
    }
}
