package dev.quiver.lucene;

import org.apache.lucene.codecs.Codec;
import org.apache.lucene.index.ConcurrentMergeScheduler;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.TieredMergePolicy;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.MMapDirectory;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.tests.util.TestUtil;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Searches run on several threads (over MMapDirectory, so the zero-copy path) while the writer adds, deletes,
 * flushes and merges in the background and force-merges; every answer is well formed, and the final index keeps
 * its recall.
 */
public class TestQuiverHnswConcurrentMerges extends LuceneTestCase {

    public void testSearchesDuringMerges() throws Exception {
        Random r = new Random(random().nextLong());
        VectorSimilarityFunction sim = VectorSimilarityFunction.values()[r.nextInt(4)];
        int dim = 16;
        float[][] centres = VectorModel.centres(r, dim, 6);
        VectorModel model = new VectorModel(dim, sim);
        Codec codec = TestUtil.alwaysKnnVectorsFormat(new QuiverHnswVectorsFormat(12, 64, 2, 0));
        TieredMergePolicy mp = new TieredMergePolicy();
        mp.setSegmentsPerTier(3);
        IndexWriterConfig iwc = new IndexWriterConfig().setCodec(codec).setMaxBufferedDocs(150)
                .setMergeScheduler(new ConcurrentMergeScheduler()).setMergePolicy(mp);
        try (Directory dir = new MMapDirectory(createTempDir("quiver-concurrent"));
             IndexWriter w = new IndexWriter(dir, iwc)) {
            SearcherManager manager = new SearcherManager(w, null);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicInteger searches = new AtomicInteger();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                long seed = r.nextLong();
                threads.add(Thread.ofPlatform().name("searcher-" + t).start(() -> {
                    Random tr = new Random(seed);
                    try {
                        while (!stop.get()) {
                            IndexSearcher s = manager.acquire();
                            try {
                                float[] q = VectorModel.vector(tr, dim, sim, centres);
                                TopDocs top = s.search(new KnnFloatVectorQuery("v", q, 20), 10);
                                int expected = Math.min(10, s.getIndexReader().numDocs());
                                assertEquals(expected, top.scoreDocs.length);
                                for (int i = 1; i < top.scoreDocs.length; i++) {
                                    ScoreDoc a = top.scoreDocs[i - 1];
                                    ScoreDoc b = top.scoreDocs[i];
                                    assertTrue("scores descend", a.score >= b.score);
                                }
                                searches.incrementAndGet();
                            } finally {
                                manager.release(s);
                            }
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            int n = 2000;
            for (int id = 0; id < n && failure.get() == null; id++) {
                float[] v = VectorModel.vector(r, dim, sim, centres);
                w.addDocument(TestQuiverHnswRecall.doc(id, v, sim, r));
                model.live.put(id, v);
                if (r.nextInt(15) == 0) {
                    int victim = r.nextInt(id + 1);
                    w.deleteDocuments(new Term("id", Integer.toString(victim)));
                    model.live.remove(victim);
                }
                if (id % 200 == 199) {
                    manager.maybeRefresh();
                }
                if (id == n / 2) {
                    w.forceMerge(1);
                    manager.maybeRefresh();
                }
            }
            w.forceMerge(2);
            manager.maybeRefresh();
            stop.set(true);
            for (Thread t : threads) {
                t.join();
            }
            manager.close();
            if (failure.get() != null) {
                throw new AssertionError("a search failed during merges", failure.get());
            }
            assertTrue("searches ran: " + searches.get(), searches.get() > 0);
            TestQuiverHnswRecall.assertRecall(w, model, r, "after concurrent merges, sim=" + sim);
        }
    }
}
