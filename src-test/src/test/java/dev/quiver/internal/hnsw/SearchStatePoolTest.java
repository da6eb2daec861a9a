package dev.quiver.internal.hnsw;

import dev.quiver.Metric;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Search scratch comes from a bounded pool owned by the index: a new thread reuses it, nothing O(n) per call. */
class SearchStatePoolTest {

    @Test
    void statesAreLentOnceAndReusedAndTheOverflowIsDropped() {
        SearchStatePool pool = new SearchStatePool(3, () -> new SearchState(4, 8));
        SearchState a = pool.acquire();
        SearchState b = pool.acquire();
        assertNotSame(a, b);
        pool.release(a);
        assertSame(a, pool.acquire(), "the calling thread gets its state back");
        pool.release(a);
        pool.release(b);
        List<SearchState> held = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            held.add(pool.acquire());
        }
        assertEquals(5, new HashSet<>(held).size(), "a state is never lent twice at once");
        assertEquals(5, pool.created());
        held.forEach(pool::release);
        assertEquals(3, pool.pooled(), "at most capacity states are kept");
    }

    private static HnswIndex index(int n, int dim) {
        HnswIndex index = HnswIndex.create(new HnswConfig(dim, Metric.EUCLIDEAN, 8, 32, 3, 2, 0));
        index.insertBatch(TestData.uniform(new SplittableRandom(3), n, dim));
        return index;
    }

    @Test
    void freshPlatformAndVirtualThreadsReuseThePooledScratch() throws Exception {
        int dim = 17;
        try (HnswIndex index = index(3000, dim)) {
            float[] q = TestData.uniform(new SplittableRandom(4), 1, dim)[0];
            SearchHits expected = index.search(q, 10, 40, null, SearchMode.GRAPH);
            int created = index.searchStates().created();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            for (int i = 0; i < 100; i++) {
                Runnable search = () -> {
                    try {
                        SearchHits hits = index.search(q, 10, 40, null, SearchMode.GRAPH);
                        assertEquals(expected.size(), hits.size());
                        for (int j = 0; j < hits.size(); j++) {
                            assertEquals(expected.slots()[j], hits.slots()[j]);
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                };
                Thread t = i % 2 == 0 ? Thread.ofVirtual().start(search) : Thread.ofPlatform().start(search);
                t.join();
            }
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
            assertEquals(created, index.searchStates().created(),
                    "100 fresh threads, one at a time: no new scratch (a visited array the size of the index)");
        }
    }

    @Test
    void manyConcurrentThreadsMakeNoMoreStatesThanRunAtOnce() throws Exception {
        int dim = 7;
        try (HnswIndex index = index(2000, dim)) {
            int threads = 6;
            CountDownLatch start = new CountDownLatch(1);
            Set<Thread> running = new HashSet<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            for (int t = 0; t < threads; t++) {
                SplittableRandom r = new SplittableRandom(t);
                running.add(Thread.ofVirtual().start(() -> {
                    try {
                        start.await();
                        for (int i = 0; i < 200; i++) {
                            float[] q = TestData.uniform(r, 1, dim)[0];
                            assertEquals(10, index.search(q, 10, 40, null, SearchMode.GRAPH).size());
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            start.countDown();
            for (Thread t : running) {
                t.join();
            }
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
            SearchStatePool pool = index.searchStates();
            assertTrue(pool.created() <= threads + 2, "1,200 searches on " + threads + " threads made "
                    + pool.created() + " states");
        }
    }
}
