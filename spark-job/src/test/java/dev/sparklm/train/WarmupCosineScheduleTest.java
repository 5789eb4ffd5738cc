package dev.sparklm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Optional;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Adam;

class WarmupCosineScheduleTest {
    @Test
    void warmsUpLinearlyThenFollowsTheCosineToTheFloor() {
        WarmupCosineSchedule s = new WarmupCosineSchedule(1e-3, 1e-4, 100, 2000, true);
        assertEquals(1e-5, s.valueAt(0, 0), 1e-12);
        assertEquals(5e-4, s.valueAt(49, 0), 1e-12);
        assertEquals(1e-3, s.valueAt(100, 0), 1e-12);
        assertEquals(1e-4 + 0.5 * 9e-4, s.valueAt(1050, 0), 1e-12, "half-way down");
        assertEquals(1e-4, s.valueAt(2000, 0), 1e-12);
        assertEquals(1e-4, s.valueAt(5000, 0), 1e-12);
        assertEquals(1e-3, new WarmupCosineSchedule(1e-3, 0, 0, 10, false).valueAt(7, 0), 0);
    }

    @Test
    void scheduleAndWeightDecayTravelInTheModelConfiguration() {
        TrainConfig cfg = TrainConfig.load(Optional.empty(), Map.of("model.type", "gpt", "model.embedding", "16",
                "optimizer.warmup-steps", "10", "optimizer.decay", "cosine", "optimizer.weight-decay", "0.1"));
        MultiLayerConfiguration conf = TrainJob.modelConfiguration(cfg, 20, 8, 500);
        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(conf.toJson());
        Adam adam = (Adam) back.getConf(2).getLayer().getUpdaterByParam("wq");
        assertEquals(new WarmupCosineSchedule(0.003, 0, 10, 500, true), adam.getLearningRateSchedule());
        assertEquals(1, back.getConf(2).getLayer().getRegularizationByParam("wq").size(), "weight decay on weights");
        assertEquals(0, back.getConf(2).getLayer().getRegularizationByParam("bq").size(), "none on biases");
    }
}
