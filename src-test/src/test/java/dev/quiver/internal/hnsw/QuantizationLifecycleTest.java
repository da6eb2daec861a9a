package dev.quiver.internal.hnsw;

import dev.quiver.Metric;
import dev.quiver.storage.ClosedStoreException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SQ8 codes replaced by a retrain or a switch-off are freed once no search holds them, never while one does. */
class QuantizationLifecycleTest {

    private static QuantizationLifecycle lifecycle(HnswIndex index) {
        try {
            var f = HnswIndex.class.getDeclaredField("quant");
            f.setAccessible(true);
            return (QuantizationLifecycle) f.get(index);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void replacedCodesAreFreedAtOnceWhenNoSearchHoldsThem() {
        int dim = 17;
        float[][] data = TestData.uniform(new SplittableRandom(5), 500, dim);
        try (HnswIndex index = HnswIndex.create(new HnswConfig(dim, Metric.EUCLIDEAN, 8, 32, 5, 1, 0)
                .withCodeWalk(CodeWalkRule.ALWAYS))) {
            index.insertBatch(data);
            QuantizationLifecycle codes = lifecycle(index);
            List<QuantizationLifecycle.Lease> generations = new ArrayList<>();
            for (int round = 0; round < 5; round++) {
                index.enableQuantization();
                QuantizationLifecycle.Lease l = codes.acquire();
                generations.add(l);
                l.release();
                assertEquals(0, index.retiredCodesInUse(), "round " + round);
            }
            index.disableQuantization();
            assertEquals(0, index.retiredCodesInUse());
            assertNull(codes.acquire());
            for (QuantizationLifecycle.Lease g : generations) {
                assertThrows(ClosedStoreException.class, () -> g.codes().chunk(0), "replaced codes were freed");
            }
        }
    }

    @Test
    void codesHeldByASearchSurviveARetrainUntilReleased() {
        int dim = 7;
        float[][] data = TestData.uniform(new SplittableRandom(9), 300, dim);
        try (HnswIndex index = HnswIndex.create(new HnswConfig(dim, Metric.EUCLIDEAN, 8, 32, 9, 1, 0)
                .withCodeWalk(CodeWalkRule.ALWAYS))) {
            index.insertBatch(data);
            index.enableQuantization();
            QuantizationLifecycle codes = lifecycle(index);
            QuantizationLifecycle.Lease held = codes.acquire();
            index.enableQuantization();
            index.disableQuantization();
            assertEquals(1, index.retiredCodesInUse(), "the held codes wait; the unheld retrain's are freed");
            byte[] code = new byte[dim];
            java.lang.foreign.MemorySegment.copy(held.codes().chunk(299), java.lang.foreign.ValueLayout.JAVA_BYTE,
                    held.codes().offset(299), code, 0, dim);  // still readable while held
            held.release();
            assertEquals(0, index.retiredCodesInUse());
            assertThrows(ClosedStoreException.class, () -> held.codes().chunk(0));
        }
    }

    @Test
    void searchesDuringRepeatedRetrainsNeverReadFreedCodes() throws Exception {
        int dim = 33;
        float[][] data = TestData.uniform(new SplittableRandom(13), 2000, dim);
        try (HnswIndex index = HnswIndex.create(new HnswConfig(dim, Metric.EUCLIDEAN, 8, 48, 13, 2, 0)
                .withCodeWalk(CodeWalkRule.ALWAYS))) {
            index.insertBatch(data);
            index.enableQuantization();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> searchers = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                SplittableRandom r = new SplittableRandom(100 + t);
                searchers.add(Thread.ofPlatform().start(() -> {
                    try {
                        while (!stop.get()) {
                            SearchHits hits = index.search(data[r.nextInt(data.length)], 10, 40, null,
                                    SearchMode.GRAPH);
                            assertEquals(10, hits.size());
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            Object previous = null;
            for (int round = 0; round < 60 && failure.get() == null; round++) {
                if (round % 7 == 6) {
                    index.disableQuantization();
                }
                index.enableQuantization();
                Object now = index.quantizer();
                assertNotSame(previous, now);
                previous = now;
            }
            stop.set(true);
            for (Thread t : searchers) {
                t.join();
            }
            if (failure.get() != null) {
                throw new AssertionError("a search failed during retrains", failure.get());
            }
            assertEquals(0, index.retiredCodesInUse(), "every replaced code slab freed once searches stopped");
            assertTrue(index.isQuantized());
        }
    }

    /**
     * A slot written while a retrain waits for its lock lands in the codes the retrain publishes. The retrain reads
     * the slot count only once it holds the lock (the supplier below checks that a write cannot get in meanwhile);
     * it once read the count before, so a slot allocated and written in between could be linked into the graph with
     * no code in the new codes (HnswConcurrencyTest met "record 16498 outside slab capacity 16384").
     */
    @Test
    void aSlotWrittenWhileARetrainWaitsGetsItsCodeInTheNewCodes() throws Exception {
        int dim = 9;
        SplittableRandom rnd = new SplittableRandom(13);
        float[][] data = TestData.uniform(rnd, 101, dim);
        VectorSlabs store = new VectorSlabs(dim, Metric.EUCLIDEAN);
        java.util.concurrent.ExecutorService writer = java.util.concurrent.Executors.newSingleThreadExecutor();
        try (QuantizationLifecycle codes = new QuantizationLifecycle(store)) {
            store.ensureCapacity(101);
            for (int s = 0; s < 100; s++) {
                codes.write(s, data[s]); // SQ8 off: vectors only
            }
            java.util.concurrent.atomic.AtomicInteger slots = new java.util.concurrent.atomic.AtomicInteger(100);
            java.util.concurrent.atomic.AtomicReference<java.util.concurrent.Future<?>> late =
                    new java.util.concurrent.atomic.AtomicReference<>();
            codes.retrain(() -> {
                // Slot 100 is allocated now; its write must wait for the retrain, then encode into its codes.
                slots.set(101);
                late.set(writer.submit(() -> codes.write(100, data[100])));
                assertThrows(java.util.concurrent.TimeoutException.class,
                        () -> late.get().get(200, java.util.concurrent.TimeUnit.MILLISECONDS),
                        "a write got in while the retrain read the slot count");
                return 100; // the count as read before slot 100's allocation was seen
            }, s -> s < slots.get());
            late.get().get(10, java.util.concurrent.TimeUnit.SECONDS);
            QuantizationLifecycle.Lease lease = codes.acquire();
            try {
                dev.quiver.internal.quant.Sq8Codes current = lease.codes();
                byte[] expected = new byte[current.codeBytes()];
                for (int s = 0; s <= 100; s++) {
                    current.encodeQuery(data[s], expected);
                    byte[] stored = current.chunk(s).asSlice(current.offset(s), dim)
                            .toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
                    assertArrayEquals(java.util.Arrays.copyOf(expected, dim), stored, "code of slot " + s);
                }
            } finally {
                lease.release();
            }
        } finally {
            writer.shutdownNow();
            store.close();
        }
    }
}
