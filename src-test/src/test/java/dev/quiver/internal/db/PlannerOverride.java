package dev.quiver.internal.db;

/** Lets tests outside this package send filtered searches down the graph path on small collections. */
public final class PlannerOverride implements AutoCloseable {

    private final double[] previous;

    private PlannerOverride(long maxFloats, double maxSelectivity) {
        previous = QueryPlanner.setCutover(maxFloats, maxSelectivity);
    }

    /** Until closed, every filtered search walks the graph (the exact scan remains the fallback when short of k). */
    public static PlannerOverride graphOnly() {
        return new PlannerOverride(0, 0);
    }

    @Override
    public void close() {
        QueryPlanner.setCutover((long) previous[0], previous[1]);
    }
}
