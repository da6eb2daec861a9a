package dev.quiver.bench.ann;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code base.meta.jsonl}: one flat JSON object per line, one line per base row. Strings, numbers, booleans
 * and null are kept; nested objects and arrays are skipped (the harness filters on top-level scalars only).
 */
public final class MetadataFile {

    private static final JsonFactory JSON = new JsonFactory();

    private MetadataFile() {
    }

    public static List<Map<String, Object>> read(Path file) throws IOException {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isBlank()) {
                    rows.add(parseObject(line, file, rows.size() + 1));
                }
            }
        }
        return rows;
    }

    static Map<String, Object> parseObject(String line, Path file, int lineNumber) throws IOException {
        Map<String, Object> row = new LinkedHashMap<>();
        try (JsonParser p = JSON.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException(file + ":" + lineNumber + ": expected a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (value) {
                    case VALUE_STRING -> row.put(field, p.getText());
                    case VALUE_NUMBER_INT -> row.put(field, p.getLongValue());
                    case VALUE_NUMBER_FLOAT -> row.put(field, p.getDoubleValue());
                    case VALUE_TRUE, VALUE_FALSE -> row.put(field, p.getBooleanValue());
                    case VALUE_NULL -> row.put(field, null);
                    default -> p.skipChildren();
                }
            }
        }
        return row;
    }
}
