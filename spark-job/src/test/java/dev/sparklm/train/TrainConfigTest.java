package dev.sparklm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparklm.io.JobConfigException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class TrainConfigTest {
    @Test
    void defaultsComeFromConfTrainConf() {
        TrainConfig c = TrainConfig.load(Optional.empty(), Map.of());
        assertEquals("out/data", c.data());
        assertEquals("lstm", c.model().type());
        assertEquals(0, c.spark().workers());
        assertTrue(c.rendered().contains("batch-size-per-worker"));
    }

    /** Every key, set to a value unlike its default and its neighbours', lands in its own field. */
    @Test
    void everyKeyReachesItsFieldOfTheNestedRecords() {
        Map<String, String> set = new LinkedHashMap<>();
        Map<String, Function<TrainConfig, Object>> read = new LinkedHashMap<>();
        BiConsumer<String, Object[]> key = (k, valueAndGetter) -> {
            set.put(k, String.valueOf(valueAndGetter[0]));
            @SuppressWarnings("unchecked")
            Function<TrainConfig, Object> getter = (Function<TrainConfig, Object>) valueAndGetter[1];
            read.put(k, getter);
        };
        key.accept("data", new Object[] {"d/x", (Function<TrainConfig, Object>) TrainConfig::data});
        key.accept("output", new Object[] {"o/y", (Function<TrainConfig, Object>) TrainConfig::output});
        key.accept("seed", new Object[] {7L, (Function<TrainConfig, Object>) TrainConfig::seed});
        key.accept("model.type", new Object[] {"gpt", (Function<TrainConfig, Object>) c -> c.model().type()});
        key.accept("model.embedding", new Object[] {96, (Function<TrainConfig, Object>) c -> c.model().embedding()});
        key.accept("model.hidden", new Object[] {33, (Function<TrainConfig, Object>) c -> c.model().hidden()});
        key.accept("model.layers", new Object[] {5, (Function<TrainConfig, Object>) c -> c.model().layers()});
        key.accept("model.heads", new Object[] {6, (Function<TrainConfig, Object>) c -> c.model().heads()});
        key.accept("model.init", new Object[] {"he", (Function<TrainConfig, Object>) c -> c.model().init()});
        key.accept("model.dropout", new Object[] {0.15, (Function<TrainConfig, Object>) c -> c.model().dropout()});
        key.accept("optimizer.learning-rate", new Object[] {0.0123, (Function<TrainConfig, Object>) c -> c.optimizer().learningRate()});
        key.accept("optimizer.warmup-steps", new Object[] {17, (Function<TrainConfig, Object>) c -> c.optimizer().warmupSteps()});
        key.accept("optimizer.min-learning-rate", new Object[] {0.0011, (Function<TrainConfig, Object>) c -> c.optimizer().minLearningRate()});
        key.accept("optimizer.beta1", new Object[] {0.85, (Function<TrainConfig, Object>) c -> c.optimizer().beta1()});
        key.accept("optimizer.beta2", new Object[] {0.95, (Function<TrainConfig, Object>) c -> c.optimizer().beta2()});
        key.accept("optimizer.weight-decay", new Object[] {0.25, (Function<TrainConfig, Object>) c -> c.optimizer().weightDecay()});
        key.accept("optimizer.gradient-clip", new Object[] {2.5, (Function<TrainConfig, Object>) c -> c.optimizer().gradientClip()});
        key.accept("spark.workers", new Object[] {3, (Function<TrainConfig, Object>) c -> c.spark().workers()});
        key.accept("spark.averaging", new Object[] {"dl4j", (Function<TrainConfig, Object>) c -> c.spark().averaging()});
        key.accept("spark.replica", new Object[] {"network", (Function<TrainConfig, Object>) c -> c.spark().replica()});
        key.accept("spark.batch-size-per-worker", new Object[] {11, (Function<TrainConfig, Object>) c -> c.spark().batchSizePerWorker()});
        key.accept("spark.averaging-frequency", new Object[] {13, (Function<TrainConfig, Object>) c -> c.spark().averagingFrequency()});
        key.accept("spark.prefetch-batches", new Object[] {4, (Function<TrainConfig, Object>) c -> c.spark().prefetchBatches()});
        key.accept("spark.repartition", new Object[] {"never", (Function<TrainConfig, Object>) c -> c.spark().repartition()});
        key.accept("spark.repartition-strategy", new Object[] {"spark-default", (Function<TrainConfig, Object>) c -> c.spark().repartitionStrategy()});
        key.accept("spark.storage-level", new Object[] {"DISK_ONLY", (Function<TrainConfig, Object>) c -> c.spark().storageLevel()});
        key.accept("epochs", new Object[] {9, (Function<TrainConfig, Object>) TrainConfig::epochs});
        key.accept("max-steps", new Object[] {123L, (Function<TrainConfig, Object>) TrainConfig::maxSteps});
        key.accept("max-minutes", new Object[] {2.5, (Function<TrainConfig, Object>) TrainConfig::maxMinutes});
        key.accept("log-every-rounds", new Object[] {19, (Function<TrainConfig, Object>) TrainConfig::logEveryRounds});
        key.accept("evaluation.every-rounds", new Object[] {21, (Function<TrainConfig, Object>) c -> c.evaluation().everyRounds()});
        key.accept("evaluation.patience", new Object[] {23, (Function<TrainConfig, Object>) c -> c.evaluation().patience()});
        key.accept("evaluation.min-improvement", new Object[] {0.031, (Function<TrainConfig, Object>) c -> c.evaluation().minImprovement()});
        key.accept("fine-tune.freeze-blocks", new Object[] {2, (Function<TrainConfig, Object>) c -> c.fineTune().freezeBlocks()});
        key.accept("checkpoint.keep-last", new Object[] {8, (Function<TrainConfig, Object>) TrainConfig::keepLastCheckpoints});
        Map<String, String> overrides = new LinkedHashMap<>(set);
        overrides.put("optimizer.decay", "cosine");
        overrides.put("spark.collect-stats", "true");
        overrides.put("fine-tune.freeze-embeddings", "true");
        TrainConfig c = TrainConfig.load(Optional.empty(), overrides);
        for (var e : read.entrySet()) {
            assertEquals(set.get(e.getKey()), String.valueOf(e.getValue().apply(c)), e.getKey());
        }
        assertTrue(c.optimizer().cosineDecay());
        assertTrue(c.spark().collectStats());
        assertTrue(c.fineTune().freezeEmbeddings());
        assertEquals(org.apache.spark.storage.StorageLevel.DISK_ONLY(), c.spark().storage());
        assertTrue(!c.spark().directReplicas());
        TrainConfig defaults = TrainConfig.load(Optional.empty(), Map.of());
        for (var e : read.entrySet()) {
            assertTrue(!set.get(e.getKey()).equals(String.valueOf(e.getValue().apply(defaults))),
                    e.getKey() + ": pick a value unlike the default, or the test cannot see the key ignored");
        }
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
        JobConfigException upward = assertThrows(JobConfigException.class, () -> TrainConfig.load(Optional.empty(),
                Map.of("optimizer.decay", "cosine", "optimizer.learning-rate", "0.001", "optimizer.min-learning-rate", "0.01")));
        assertTrue(upward.getMessage().startsWith("train.optimizer.min-learning-rate = 0.01 is above "
                + "train.optimizer.learning-rate = 0.001"), upward.getMessage());
        TrainConfig.load(Optional.empty(), Map.of("optimizer.decay", "none", "optimizer.min-learning-rate", "1"));   // unused: fine
    }
}
