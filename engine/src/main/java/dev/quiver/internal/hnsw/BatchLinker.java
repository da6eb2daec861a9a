package dev.quiver.internal.hnsw;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.function.IntSupplier;

/**
 * Links a batch of stored vectors on several threads: the calling thread plus helpers from a pool of threads kept
 * for the index's lifetime ({@link ParallelRuns}); each takes its scratch from the index's {@link SearchStatePool}.
 */
final class BatchLinker implements AutoCloseable {

    /** Items of a batch linked one by one before the parallel phase when the graph is still tiny. */
    static final int SEQUENTIAL_PREFIX = 64;
    /** Fewest items per thread worth a helper. */
    private static final int ITEMS_PER_THREAD = 32;

    private final GraphLinker linker;
    private final int buildThreads;
    private final SearchStatePool states;
    private final IntSupplier totalSlots;
    private volatile ExecutorService pool;

    BatchLinker(GraphLinker linker, int buildThreads, SearchStatePool states, IntSupplier totalSlots) {
        this.linker = linker;
        this.buildThreads = buildThreads;
        this.states = states;
        this.totalSlots = totalSlots;
    }

    /**
     * Links {@code vectors}, stored at consecutive slots from {@code start}; {@code slotsBefore} is how many slots the
     * index had before them. A tiny graph gets its first items linked one by one, so the parallel phase starts from
     * a connected core.
     */
    void link(float[][] vectors, int start, int slotsBefore) {
        int n = vectors.length;
        int prefix = 0;
        if (slotsBefore < SEQUENTIAL_PREFIX) {
            prefix = Math.min(n, SEQUENTIAL_PREFIX);
            SearchState state = states.acquire();
            try {
                for (int i = 0; i < prefix; i++) {
                    linker.link(start + i, vectors[i], -1, totalSlots.getAsInt(), state);
                }
            } finally {
                states.release(state);
            }
        }
        linkParallel(vectors, start, prefix, n);
    }

    private void linkParallel(float[][] vectors, int start, int from, int to) {
        int threads = Math.min(buildThreads, Math.max(1, (to - from) / ITEMS_PER_THREAD));
        AtomicInteger cursor = new AtomicInteger(from);
        Runnable worker = () -> {
            SearchState state = states.acquire();
            try {
                for (int i = cursor.getAndIncrement(); i < to; i = cursor.getAndIncrement()) {
                    linker.link(start + i, vectors[i], -1, totalSlots.getAsInt(), state);
                }
            } finally {
                states.release(state);
            }
        };
        if (threads <= 1) {
            worker.run();
            return;
        }
        ParallelRuns.run(worker, threads, pool(), cursor, to, "batch build");
    }

    /**
     * Runs {@code body} for every item in {@code [0, count)} on up to {@code buildThreads} threads (the caller plus the
     * build pool's helpers), each item exactly once, in no particular order; returns when all are done. For work that
     * belongs to a build but is not linking (the default-ef calibration at save).
     */
    void forEachItem(int count, IntConsumer body) {
        int threads = Math.min(buildThreads, count);
        AtomicInteger cursor = new AtomicInteger();
        Runnable worker = () -> {
            for (int i = cursor.getAndIncrement(); i < count; i = cursor.getAndIncrement()) {
                body.accept(i);
            }
        };
        if (threads <= 1) {
            worker.run();
            return;
        }
        ParallelRuns.run(worker, threads, pool(), cursor, count, "parallel items");
    }

    private ExecutorService pool() {
        ExecutorService p = pool;
        if (p == null) {
            synchronized (this) {
                p = pool;
                if (p == null) {
                    int helpers = Math.max(1, buildThreads - 1);
                    AtomicInteger names = new AtomicInteger();
                    p = Executors.newFixedThreadPool(helpers, r -> Thread.ofPlatform()
                            .name("quiver-hnsw-build-" + names.getAndIncrement()).daemon().unstarted(r));
                    pool = p;
                }
            }
        }
        return p;
    }

    @Override
    public void close() {
        ExecutorService p = pool;
        if (p != null) {
            p.shutdownNow();
        }
    }
}
