package dev.quiver.internal.db;

import dev.quiver.InvalidArgumentException;
import dev.quiver.Metric;
import dev.quiver.internal.hnsw.SearchHits;
import dev.quiver.internal.hnsw.SearchMode;
import dev.quiver.internal.quant.Sq8Codes;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A database written before SQ8 had a dimension limit may say {@code quantize} at a dimension SQ8 cannot serve (its
 * integer sums overflowed there). It must still open, with float32 search, rather than fail on its own stored shape.
 */
class LegacyQuantizeShapeTest {

    private static final Path WHERE = Path.of("in-memory");

    @Test
    void aStoredShapeWithQuantizeBeyondTheSq8LimitOpensWithFloatSearchOnly() {
        int dim = Sq8Codes.MAX_DIM + 64;
        SplittableRandom r = new SplittableRandom(11);
        float[][] vectors = new float[6][dim];
        for (float[] v : vectors) {
            for (int d = 0; d < dim; d++) {
                v[d] = (float) r.nextGaussian();
            }
        }
        InMemoryRecordLog log = new InMemoryRecordLog();
        log.replay(0, (lsn, record) -> { }); // opens the empty log for the old writer's appends
        log.append(new WalRecord.Create(dim, Metric.COSINE, 8, 32, true, 42), true);
        for (int i = 0; i < vectors.length; i++) {
            log.append(new WalRecord.Put(true, "v" + i, vectors[i], null), true);
        }
        log.close();
        DatabaseCore core = DatabaseCore.openOn(WHERE, new InMemoryDatabaseFiles(log), null);
        try {
            assertFalse(core.shape().quantize(), "the stored flag is dropped at open");
            assertFalse(core.config().quantize());
            core.read((index, catalog, filters) -> {
                assertEquals(vectors.length, catalog.size());
                assertFalse(index.isQuantized());
                for (int i = 0; i < vectors.length; i++) {
                    SearchHits hits = index.search(vectors[i], 1, 16, null, SearchMode.AUTO);
                    assertEquals(catalog.slotOf("v" + i), hits.slots()[0], "nearest to v" + i);
                }
                return null;
            });
            assertThrows(InvalidArgumentException.class, core::enableQuantizedSearch);
        } finally {
            core.close();
        }
    }
}
