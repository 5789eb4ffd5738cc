package dev.sparklm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SamplingTest {
    static final float[] PROBS = {0.5f, 0.3f, 0.15f, 0.05f};

    int[] histogram(double temperature, int topK, double topP) {
        int[] counts = new int[PROBS.length];
        Random r = new Random(1);
        for (int i = 0; i < 20_000; i++) {
            counts[TextGenerator.sample(PROBS, temperature, topK, topP, r)]++;
        }
        return counts;
    }

    @Test
    void temperatureZeroIsGreedy() {
        assertEquals(20_000, histogram(0, 0, 1)[0]);
    }

    @Test
    void topKAndTopPCutTheTail() {
        int[] k2 = histogram(1, 2, 1);
        assertEquals(0, k2[2] + k2[3]);
        assertEquals(0.5 / 0.8, k2[0] / 20_000.0, 0.02);
        int[] p = histogram(1, 0, 0.7);        // 0.5 + 0.3 reaches 0.7: tokens 0 and 1 only
        assertEquals(0, p[2] + p[3]);
        int[] all = histogram(1, 0, 1);
        assertEquals(0.05, all[3] / 20_000.0, 0.01, "temperature 1 samples the model's distribution");
        assertTrue(histogram(2, 0, 1)[3] > all[3], "a higher temperature flattens it");
    }
}
