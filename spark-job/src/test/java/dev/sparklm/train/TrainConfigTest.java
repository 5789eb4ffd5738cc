package dev.sparklm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparklm.io.JobConfigException;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TrainConfigTest {
    @Test
    void defaultsComeFromConfTrainConf() {
        TrainConfig c = TrainConfig.load(Optional.empty(), Map.of());
        assertEquals("out/data", c.data());
        assertEquals("lstm", c.modelType());
        assertEquals(0, c.workers());
        assertTrue(c.rendered().contains("batch-size-per-worker"));
    }

    @Test
    void absurdValuesAreRejectedByKey() {
        String[][] cases = {
            {"spark.batch-size-per-worker", "0", "train.spark.batch-size-per-worker = 0 is out of range"},
            {"optimizer.learning-rate", "-1", "train.optimizer.learning-rate"},
            {"epochs", "three", "train.epochs"},
            {"model.type", "gpt5", "train.model.type = 'gpt5' is not one of"},
            {"spark.averagingfrequency", "3", "unknown key 'train.spark.averagingfrequency'"},
        };
        for (String[] c : cases) {
            JobConfigException e = assertThrows(JobConfigException.class,
                    () -> TrainConfig.load(Optional.empty(), Map.of(c[0], c[1])), c[0]);
            assertTrue(e.getMessage().contains(c[2]), e.getMessage());
        }
    }
}
