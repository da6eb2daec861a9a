package dev.quiver.internal.hnsw;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The calibration's walk up the ladder of widths ({@link DefaultEfCalibrator#smallestReachingStep}) against the
 * step-by-step walk it replaced, on seeded synthetic recall and work curves (no index: the curves stand in for the
 * sample searches).
 */
class DefaultEfLadderTest {

    private static final int[] LADDER = DefaultEfCalibrator.LADDER;

    /** A ladder walk whose "searches" read a recall and a work curve; records the steps it measured. */
    private static final class CurveWalk extends DefaultEfCalibrator.LadderWalk {
        private final double[] recall;
        private final double[] work;
        final List<Integer> measured = new ArrayList<>();

        CurveWalk(double[] recall, double[] work) {
            super(null, null, null, null);
            this.recall = recall;
            this.work = work;
        }

        @Override
        Result measureWidth(int ef) {
            int step = java.util.Arrays.binarySearch(LADDER, ef);
            measured.add(step);
            return new Result(recall[step], work[step]);
        }
    }

    /** The old walk: one step at a time, stopping at the first miss whose work exceeds a scan. */
    private static int stepByStep(double[] recall, double[] work, int top, double target, int live) {
        for (int step = 0; step <= top; step++) {
            if (recall[step] >= target) {
                return step;
            }
            if (work[step] * KnnSearch.GRAPH_DISTANCE_COST >= live) {
                return -1;
            }
        }
        return -1;
    }

    @Test
    void choosesTheStepTheStepByStepWalkChoosesOnSeededCurves() {
        for (long seed = 0; seed < 5000; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            int top = random.nextInt(-1, LADDER.length); // -1: no width within the cap
            boolean monotone = random.nextInt(5) != 0;
            double[] recall = new double[LADDER.length];
            double[] work = new double[LADDER.length];
            double r = random.nextDouble(0.3, 0.95);
            double perWidth = random.nextDouble(5, 40);
            for (int s = 0; s < LADDER.length; s++) {
                // Recall grows with the width (sometimes not at all for a few steps), work in proportion to it.
                r = Math.min(1.0, r + (random.nextInt(4) == 0 ? 0 : random.nextDouble(0, 0.03)));
                // Some curves dip (sampling noise on real data): then only the weaker guarantees below hold.
                recall[s] = monotone ? r : Math.max(0, r - random.nextDouble(0, 0.05));
                work[s] = perWidth * LADDER[s];
            }
            // Targets: a level between steps, exactly a step's recall (the >= edge), and out of reach.
            double target = switch (random.nextInt(3)) {
                case 0 -> random.nextDouble(0.5, 1.0);
                case 1 -> recall[random.nextInt(LADDER.length)];
                default -> 1.01;
            };
            // The scan's cost: out of reach, or about the graph work at a random step (the walk stops around there).
            int live = random.nextInt(4) == 0 ? Integer.MAX_VALUE
                    : (int) (work[random.nextInt(LADDER.length)] * KnnSearch.GRAPH_DISTANCE_COST
                    * random.nextDouble(0.8, 1.2));
            CurveWalk walk = new CurveWalk(recall, work);
            int expected = stepByStep(recall, work, top, target, live);
            int chosen = DefaultEfCalibrator.smallestReachingStep(walk, top, target, live);
            String where = "seed " + seed + ": top " + top + ", target " + target + ", live " + live;
            if (monotone) {
                assertEquals(expected, chosen, where);
            }
            assertTrue(walk.measured.stream().allMatch(s -> s <= top), where + ": measured beyond the cap");
            if (chosen >= 0) {
                assertTrue(walk.measured.contains(chosen) && recall[chosen] >= target, where + ": chose " + chosen);
            }
        }
    }

    /** Recall 0.5 at every width (never the target), work equal to the width. */
    private static CurveWalk neverReaching() {
        double[] recall = new double[LADDER.length];
        double[] work = new double[LADDER.length];
        java.util.Arrays.fill(recall, 0.5);
        for (int s = 0; s < LADDER.length; s++) {
            work[s] = LADDER[s];
        }
        return new CurveWalk(recall, work);
    }

    @Test
    void aWalkThatNeverReachesTheTargetCostsAboutTwiceItsLastWidth() {
        int top = LADDER.length - 1;
        CurveWalk walk = neverReaching();
        assertEquals(-1, DefaultEfCalibrator.smallestReachingStep(walk, top, 0.99, Integer.MAX_VALUE));
        long galloped = walk.measured.stream().mapToLong(s -> LADDER[s]).sum();
        long everyStep = java.util.Arrays.stream(LADDER).asLongStream().sum();
        assertEquals(top, (int) walk.measured.getLast(), "the widest step within the cap is measured");
        assertTrue(galloped <= 2.5 * LADDER[top] && galloped < everyStep / 2,
                "galloped " + galloped + ", every step " + everyStep);
    }

    @Test
    void aMissThatCostsMoreThanTheScanEndsTheGallop() {
        // A scan costs as much as the graph's work at step 4 (width 24): step 3 (60 < 72) goes on, step 6 stops.
        int live = KnnSearch.GRAPH_DISTANCE_COST * LADDER[4];
        CurveWalk walk = neverReaching();
        assertEquals(-1, DefaultEfCalibrator.smallestReachingStep(walk, LADDER.length - 1, 0.99, live));
        assertEquals(List.of(0, 3, 6), walk.measured);
    }

    @Test
    void aReachedTargetIsBisectedDownToTheSmallestReachingStep() {
        double[] recall = new double[LADDER.length];
        double[] work = new double[LADDER.length];
        for (int s = 0; s < LADDER.length; s++) {
            recall[s] = s < 10 ? 0.9 : 0.995;
            work[s] = LADDER[s];
        }
        CurveWalk walk = new CurveWalk(recall, work);
        assertEquals(10, DefaultEfCalibrator.smallestReachingStep(walk, LADDER.length - 1, 0.99, Integer.MAX_VALUE));
        // Gallop 0, 3, 6, 9, 12 (reached), then bisect 10..12: 11 (reached), 10 (reached).
        assertEquals(List.of(0, 3, 6, 9, 12, 11, 10), walk.measured);
    }
}
