package dev.quiver.bench.ann;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RecallTest {

    @Test
    void recallIsTheShareOfTrueTopKFound() {
        int[][] truth = {{1, 2, 3, 4, 99}, {5, 6, 7, 8, 98}};
        int[][] answers = {{1, 2, 3, 4}, {5, 6, 0, 0}};
        assertEquals((1.0 + 0.5) / 2, QueryRunner.recall(answers, truth, 4), 1e-12);
    }

    @Test
    void aRowReturnedTwiceCountsOnce() {
        assertEquals(0.25, QueryRunner.recall(new int[][] {{1, 1, 1, 1}}, new int[][] {{1, 2, 3, 4}}, 4), 1e-12);
    }

    @Test
    void answersBeyondKAreIgnored() {
        assertEquals(0.5, QueryRunner.recall(new int[][] {{1, 9, 2}}, new int[][] {{1, 2}}, 2), 1e-12);
    }

    @Test
    void aFilteredQueryWithFewerMatchesThanKIsScoredOnWhatExists() {
        // Only two rows match the filter: finding both is full recall at k = 10.
        assertEquals(1.0, QueryRunner.recall(new int[][] {{7, 3}}, new int[][] {{3, 7}}, 10), 1e-12);
        // No matching row at all: the query is left out of the mean.
        assertEquals(0.5, QueryRunner.recall(new int[][] {{}, {1}}, new int[][] {{}, {1, 2}}, 2), 1e-12);
    }
}
