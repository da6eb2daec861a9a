package dev.quiver.internal.db;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The database's pure decisions: when SQ8 codes are trained and when a generation is written on its own. */
class PoliciesTest {

    @Test
    void codesAreTrainedOnTheFirstRecordAndRetrainedAtASaveOnceTheIndexDoubled() {
        QuantizationPolicy p = new QuantizationPolicy(true, 0);
        assertFalse(p.shouldTrain(0, false, false), "nothing to train on");
        assertTrue(p.shouldTrain(1, false, false), "codes from the first record");
        assertTrue(p.wantsCodes(false));
        p.trained(100);
        assertFalse(p.wantsCodes(true));
        assertFalse(p.shouldTrain(150, true, true), "grown by half: not yet");
        assertFalse(p.shouldTrain(250, true, false), "doubled, but retraining waits for a save");
        assertTrue(p.shouldTrain(200, true, true), "doubled, at a save");
        assertTrue(p.shouldTrain(90, false, false), "codes dropped (compaction into a fresh index): train again");
    }

    @Test
    void anUnquantizedDatabaseNeverTrainsOnItsOwn() {
        QuantizationPolicy p = new QuantizationPolicy(false, 0);
        assertFalse(p.shouldTrain(1000, false, true));
        assertFalse(p.wantsCodes(false));
        assertTrue(p.switchOn(1000, false), "an explicit switch-on trains anyway");
        assertFalse(p.switchOn(0, false), "not on an empty index");
        assertFalse(p.switchOn(10, true), "not when codes exist");
    }

    @Test
    void anExplicitSwitchOffWinsOverTheSettingUntilSwitchedOn() {
        QuantizationPolicy p = new QuantizationPolicy(true, 10);
        p.switchOff();
        assertFalse(p.wantsCodes(false));
        assertFalse(p.shouldTrain(1000, false, true));
        assertTrue(p.switchOn(1000, false));
        assertTrue(p.wantsCodes(false));
        assertTrue(p.shouldTrain(1000, false, false));
    }

    @Test
    void checkpointIsDueOnlyPastTheBound() {
        CheckpointPolicy c = new CheckpointPolicy(1000);
        assertFalse(c.due(0));
        assertFalse(c.due(1000));
        assertTrue(c.due(1001));
    }

    @Test
    void closeSavesOnlyAChangedHealthyDatabase() {
        assertFalse(CheckpointPolicy.saveAtClose(5, 5, false, false), "a reader session leaves the generation");
        assertTrue(CheckpointPolicy.saveAtClose(6, 5, false, false), "records since the save");
        assertTrue(CheckpointPolicy.saveAtClose(5, 5, true, false), "codes switched since the save");
        assertFalse(CheckpointPolicy.saveAtClose(6, 5, true, true), "never a database found corrupt");
    }
}
