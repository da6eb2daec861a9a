package dev.quiver.lucene;

import org.apache.lucene.codecs.Codec;
import org.apache.lucene.tests.index.BaseKnnVectorsFormatTestCase;
import org.apache.lucene.tests.util.TestUtil;

/**
 * Lucene's own vector-format suite against {@link QuiverHnswVectorsFormat}, with small random graph parameters so
 * that segments of the suite's sizes exercise graph walks, not only the exact path.
 */
public class TestQuiverHnswVectorsFormat extends BaseKnnVectorsFormatTestCase {

    @Override
    protected Codec getCodec() {
        int m = random().nextInt(2, 17);
        int ef = random().nextInt(8, 101);
        int threads = random().nextInt(1, 3);
        int exactScanFactor = random().nextBoolean() ? 0 : random().nextInt(0, 31);
        return TestUtil.alwaysKnnVectorsFormat(new QuiverHnswVectorsFormat(m, ef, threads, exactScanFactor));
    }

    @Override
    protected boolean supportsFloatVectorFallback() {
        return false;
    }
}
