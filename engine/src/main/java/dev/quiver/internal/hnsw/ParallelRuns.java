package dev.quiver.internal.hnsw;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one loop body on several threads that share a work cursor: the calling thread plus helpers from a pool. The
 * first failure moves the cursor to the end, so the others stop at their next item, and is rethrown to the caller once
 * every helper has finished (the graph builders must not return while a helper still writes).
 */
final class ParallelRuns {

    private ParallelRuns() {
    }

    /**
     * @param worker  takes items from {@code cursor} until it passes {@code end}
     * @param workers threads in all, the caller included; helpers come from {@code pool} (unused when 1)
     * @param what    names the job in the exception that wraps a checked failure
     */
    static void run(Runnable worker, int workers, ExecutorService pool, AtomicInteger cursor, int end, String what) {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable guarded = () -> {
            try {
                worker.run();
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
                cursor.set(end);
            }
        };
        List<Future<?>> helpers = new ArrayList<>();
        for (int t = 1; t < workers; t++) {
            helpers.add(pool.submit(guarded));
        }
        guarded.run();
        boolean interrupted = false;
        for (Future<?> f : helpers) {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    failure.compareAndSet(null, e.getCause());
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable f = failure.get();
        if (f instanceof RuntimeException re) {
            throw re;
        }
        if (f instanceof Error err) {
            throw err;
        }
        if (f != null) {
            throw new IllegalStateException(what + " failed", f);
        }
    }
}
