package dev.sparklm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TrainingRateTest {
    /** After a resume, the rate (and the ETA from it) counts only what this process fitted. */
    @Test
    void aResumedRunsRateIsItsOwnTokensOverItsOwnTime() {
        long resumedAt = 945_536L * 2;               // two epochs fitted by an earlier process
        long fittedHere = 204_800;                   // in 22.5 s of this process's fitting
        assertEquals(9_102.2, TrainingLoop.tokensPerSecond(resumedAt + fittedHere, resumedAt, 22_500_000_000L), 0.1);
        assertEquals(9_102.2, TrainingLoop.tokensPerSecond(fittedHere, 0, 22_500_000_000L), 0.1, "a new run");
        assertEquals(0.0, TrainingLoop.tokensPerSecond(resumedAt, resumedAt, 0), "nothing fitted yet");
    }
}
