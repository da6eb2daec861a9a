package dev.quiver.bench.ann;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RowFilterTest {

    private static Map<String, Object> meta(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private final List<Map<String, Object>> rows = java.util.Arrays.asList(
            meta("pos", "v", "lexfile", 29L),
            meta("pos", "a", "lexfile", 0L),
            meta("pos", "v", "lexfile", 1.0),
            null,
            meta("lexfile", "29"));

    @Test
    void stringValueMatchesStringsOnly() {
        RowFilter f = RowFilter.parse("pos=v", rows);
        assertEquals("{0, 2}", f.matchingRows().toString());
    }

    @Test
    void numbersCompareByValueAndNeverMatchTheirStringForm() {
        assertEquals("{0}", RowFilter.parse("lexfile=29", rows).matchingRows().toString());
        assertEquals("{2}", RowFilter.parse("lexfile=1", rows).matchingRows().toString());
        assertEquals("{2}", RowFilter.parse("lexfile=1.0", rows).matchingRows().toString());
    }

    @Test
    void keywordsWriteIntegralNumbersWithoutAFraction() {
        assertEquals("1", RowFilter.keyword(1.0));
        assertEquals("29", RowFilter.keyword(29L));
        assertEquals("2.5", RowFilter.keyword(2.5));
        assertEquals("v", RowFilter.keyword("v"));
    }

    @Test
    void malformedSpecsAndMissingMetadataAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> RowFilter.parse("pos", rows));
        assertThrows(IllegalArgumentException.class, () -> RowFilter.parse("=v", rows));
        assertThrows(IllegalArgumentException.class, () -> RowFilter.parse("pos=", rows));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RowFilter.parse("pos=v", null));
        assertTrue(e.getMessage().contains("no metadata"), e.getMessage());
    }

    @Test
    void metadataLinesParseScalarsAndSkipNestedValues() throws Exception {
        Map<String, Object> row = MetadataFile.parseObject(
                "{\"id\": \"v1\", \"lexfile\": 29, \"w\": 0.5, \"ok\": true, \"n\": null, \"tags\": [1, {\"a\": 2}]}",
                java.nio.file.Path.of("x.jsonl"), 1);
        assertEquals("v1", row.get("id"));
        assertEquals(29L, row.get("lexfile"));
        assertEquals(0.5, row.get("w"));
        assertEquals(true, row.get("ok"));
        assertTrue(row.containsKey("n"));
        assertTrue(!row.containsKey("tags"));
    }
}
