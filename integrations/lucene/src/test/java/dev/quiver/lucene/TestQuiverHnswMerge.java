package dev.quiver.lucene;

import org.apache.lucene.codecs.Codec;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.TieredMergePolicy;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.store.Directory;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.tests.util.TestUtil;
import org.apache.lucene.util.InfoStream;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Merges start from the largest source graph when that segment has no deletions (and rebuild otherwise); either
 * way the merged segment keeps its recall, with and without index sorting.
 */
public class TestQuiverHnswMerge extends LuceneTestCase {

    /** Collects the format's merge messages. */
    private static final class Messages extends InfoStream {
        final List<String> lines = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void message(String component, String message) {
            lines.add(message);
        }

        @Override
        public boolean isEnabled(String component) {
            return QuiverHnswVectorsWriter.INFO_COMPONENT.equals(component);
        }

        @Override
        public void close() {
        }
    }

    public void testSeededMergeWithoutDeletions() throws IOException {
        runMerge(false, random().nextBoolean());
    }

    public void testRebuildWhenEverySegmentHasDeletions() throws IOException {
        runMerge(true, random().nextBoolean());
    }

    private void runMerge(boolean deleteEverywhere, boolean sorted) throws IOException {
        Random r = new Random(random().nextLong());
        VectorSimilarityFunction sim = VectorSimilarityFunction.values()[r.nextInt(4)];
        int dim = new int[] {1, 5, 16, 33}[r.nextInt(4)];
        VectorModel model = new VectorModel(dim, sim);
        float[][] centres = VectorModel.centres(r, dim, 5);
        Codec codec = TestUtil.alwaysKnnVectorsFormat(new QuiverHnswVectorsFormat(16, 100, 1 + r.nextInt(2), 0));
        int[] sizes = {300 + r.nextInt(200), 900 + r.nextInt(300), 500 + r.nextInt(200)};
        String ctx = "sim=" + sim + " dim=" + dim + " sorted=" + sorted + " sizes=" + java.util.Arrays.toString(sizes);
        try (Directory dir = newDirectory()) {
            int id = 0;
            for (int size : sizes) {
                IndexWriterConfig iwc = new IndexWriterConfig().setCodec(codec).setMergePolicy(NoMergePolicy.INSTANCE)
                        .setMaxBufferedDocs(size + 1).setRAMBufferSizeMB(IndexWriterConfig.DISABLE_AUTO_FLUSH);
                if (sorted) {
                    iwc.setIndexSort(new Sort(new SortField("sortkey", SortField.Type.LONG)));
                }
                try (IndexWriter w = new IndexWriter(dir, iwc)) {
                    int first = id;
                    for (int i = 0; i < size; i++, id++) {
                        float[] v = VectorModel.vector(r, dim, sim, centres);
                        w.addDocument(TestQuiverHnswRecall.doc(id, v, sim, r));
                        model.live.put(id, v);
                    }
                    if (deleteEverywhere) {
                        int victim = first + r.nextInt(size);
                        w.deleteDocuments(new Term("id", Integer.toString(victim)));
                        model.live.remove(victim);
                    }
                }
            }
            Messages messages = new Messages();
            IndexWriterConfig iwc = new IndexWriterConfig().setCodec(codec).setMergePolicy(new TieredMergePolicy())
                    .setInfoStream(messages);
            if (sorted) {
                iwc.setIndexSort(new Sort(new SortField("sortkey", SortField.Type.LONG)));
            }
            try (IndexWriter w = new IndexWriter(dir, iwc)) {
                w.forceMerge(1);
                try (org.apache.lucene.index.DirectoryReader reader = org.apache.lucene.index.DirectoryReader.open(w)) {
                    assertEquals(ctx, 1, reader.leaves().size());
                }
                String expected = deleteEverywhere ? "graph rebuilt"
                        : "seeded from a graph of " + sizes[1] + " nodes";
                assertTrue(ctx + ": merge messages " + messages.lines,
                        messages.lines.stream().anyMatch(line -> line.contains(expected)));
                TestQuiverHnswRecall.assertRecall(w, model, r, ctx);
            }
        }
    }
}
