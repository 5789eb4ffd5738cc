package dev.sparklm.train;

import dev.sparklm.io.LocalSpark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparklm.io.JobConfigException;
import dev.sparklm.preprocess.PreprocessConfig;
import dev.sparklm.preprocess.PreprocessJob;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --init-from: a new run on new shards starts from a checkpoint's weights, with a frozen prefix. */
class FineTuningTest {
    static final File PROFILE = new File("../conf/tinyshakespeare.conf");

    @TempDir
    Path tmp;

    Path preprocess(SparkSession spark, String name, String text, Map<String, String> extra) throws IOException {
        Path input = Files.writeString(tmp.resolve(name + ".txt"), text);
        Map<String, String> o = new HashMap<>(extra);
        o.put("input", input.toString());
        o.put("output", tmp.resolve(name).toString());
        o.put("context", "16");
        PreprocessJob.run(spark, PreprocessConfig.load(Optional.of(PROFILE), o));
        return tmp.resolve(name);
    }

    TrainConfig config(Path data, Path run, Map<String, String> extra) {
        Map<String, String> o = new HashMap<>(Map.of("data", data.toString(), "output", run.toString(),
                "model.type", "gpt", "model.embedding", "32", "model.layers", "2", "model.heads", "2",
                "spark.batch-size-per-worker", "16", "spark.averaging-frequency", "5"));
        o.putAll(extra);
        return TrainConfig.load(Optional.empty(), o);
    }

    @Test
    void fineTuneStartsFromTheCheckpointAndKeepsFrozenLayers() throws IOException {
        SparkSession spark = LocalSpark.get();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        String all = Files.readString(EndToEndTest.CORPUS, StandardCharsets.UTF_8);
        String first = all.substring(0, all.lastIndexOf("\n\n", 80_000));
        String later = all.substring(all.indexOf("\n\n", 400_000) + 2, all.lastIndexOf("\n\n", 440_000));

        Path pretrainData = preprocess(spark, "a", first, Map.of());
        Path pretrainRun = tmp.resolve("pretrain");
        TrainJob.Result pretrain = TrainJob.run(spark, config(pretrainData, pretrainRun,
                Map.of("optimizer.learning-rate", "0.005", "max-steps", "80")), TrainJob.Start.NEW);
        MultiLayerNetwork before = CheckpointStore.load(pretrainRun.toString(), sc.hadoopConfiguration()).network();

        // New text, the checkpoint's tokenizer.
        Path newData = preprocess(spark, "b", later,
                Map.of("tokenizer.file", pretrainData.resolve("tokenizer.json").toString()));
        Path fineRun = tmp.resolve("fine");
        TrainJob.Result fine = TrainJob.run(spark, config(newData, fineRun, Map.of("optimizer.learning-rate", "0.001",
                "max-steps", "20", "fine-tune.freeze-embeddings", "true", "fine-tune.freeze-blocks", "1")),
                TrainJob.Start.fineTuning(pretrainRun.toString()));

        // It starts where pre-training ended (far below a uniform guess), and improves on the new text.
        double uniform = Math.log(before.getLayer(before.getnLayers() - 1).getParam("b").length());
        assertTrue(fine.initialValidationLoss() < uniform - 1.0, fine.initialValidationLoss() + " vs ln V = " + uniform);
        assertTrue(fine.initialValidationLoss() < pretrain.initialValidationLoss() - 1.0);
        assertTrue(fine.validationLoss() < fine.initialValidationLoss(),
                fine.initialValidationLoss() + " -> " + fine.validationLoss());

        // Token and position embeddings and the first block are frozen; the rest moved.
        MultiLayerNetwork after = CheckpointStore.load(fineRun.toString(), sc.hadoopConfiguration()).network();
        assertEquals(before.numParams(), after.numParams());
        for (int layer = 0; layer < before.getnLayers(); layer++) {
            boolean same = before.getLayer(layer).params().equals(after.getLayer(layer).params());
            if (layer <= 2) {
                assertTrue(same, "layer " + layer + " is frozen");
            } else {
                assertNotEquals(true, same, "layer " + layer + " trains");
            }
        }
    }

    @Test
    void aCheckpointOfAnotherTokenizerOrContextIsRefused() throws IOException {
        SparkSession spark = LocalSpark.get();
        String all = Files.readString(EndToEndTest.CORPUS, StandardCharsets.UTF_8);
        String text = all.substring(0, all.lastIndexOf("\n\n", 30_000));
        Path data = preprocess(spark, "c", text, Map.of());
        Path run = tmp.resolve("run");
        TrainJob.run(spark, config(data, run, Map.of("max-steps", "5")), TrainJob.Start.NEW);

        // New characters in nearly every document, so the tokenizer (trained on the train split) differs.
        Path otherTokenizer = preprocess(spark, "d", text.replace("the", "th\u00e9"), Map.of());
        JobConfigException tokenizer = assertThrows(JobConfigException.class, () -> TrainJob.run(spark,
                config(otherTokenizer, tmp.resolve("r2"), Map.of("max-steps", "5")), TrainJob.Start.fineTuning(run.toString())));
        assertTrue(tokenizer.getMessage().contains("tokenizer"), tokenizer.getMessage());

        Map<String, String> wider = new HashMap<>(Map.of("tokenizer.file", data.resolve("tokenizer.json").toString()));
        Path input = Files.writeString(tmp.resolve("e.txt"), text);
        wider.put("input", input.toString());
        wider.put("output", tmp.resolve("e").toString());
        wider.put("context", "32");
        PreprocessJob.run(spark, PreprocessConfig.load(Optional.of(PROFILE), wider));
        JobConfigException context = assertThrows(JobConfigException.class, () -> TrainJob.run(spark,
                config(tmp.resolve("e"), tmp.resolve("r3"), Map.of("max-steps", "5")), TrainJob.Start.fineTuning(run.toString())));
        assertTrue(context.getMessage().contains("context 16"), context.getMessage());

        // train.model differs (3 layers, 48 wide against the checkpoint's 2 and 32): ignored with a
        // warning, and the new run records and resumes with the model it really trains.
        Path fine = tmp.resolve("r4");
        Map<String, String> other = Map.of("max-steps", "2", "model.layers", "3", "model.embedding", "48",
                "optimizer.learning-rate", "0.002");
        TrainJob.run(spark, config(data, fine, other), TrainJob.Start.fineTuning(run.toString()));
        var conf = new org.apache.hadoop.conf.Configuration();
        TrainingState pretrained = CheckpointStore.load(run.toString(), conf).state();
        TrainingState state = CheckpointStore.load(fine.toString(), conf).state();
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        assertEquals(json.readTree(pretrained.config()).get("model"), json.readTree(state.config()).get("model"));
        assertEquals(2, json.readTree(state.config()).get("model").get("layers").asInt());
        assertEquals(0.002, json.readTree(state.config()).get("optimizer").get("learning-rate").asDouble(), "the run's own");
        assertEquals(pretrained.modelType(), state.modelType());
        JobConfigException resumeOther = assertThrows(JobConfigException.class,
                () -> TrainJob.run(spark, config(data, fine, other), TrainJob.Start.RESUME));
        assertTrue(resumeOther.getMessage().contains("model.layers: 2 in the checkpoint, 3 now"), resumeOther.getMessage());
        TrainJob.run(spark, config(data, fine, Map.of("max-steps", "3")), TrainJob.Start.RESUME);   // its own settings resume
        assertEquals(3, CheckpointStore.load(fine.toString(), conf).state().step());

        JobConfigException freeze = assertThrows(JobConfigException.class, () -> TrainConfig.load(Optional.empty(),
                Map.of("fine-tune.freeze-blocks", "2")));
        assertTrue(freeze.getMessage().contains("freeze-embeddings = true"), freeze.getMessage());
    }

    @Test
    void theFrozenPrefixCountsEmbeddingsAndBlocksWithTheirDropout() {
        MultiLayerNetwork net = new MultiLayerNetwork(dev.sparklm.model.GptLanguageModel.configuration(
                new dev.sparklm.model.GptLanguageModel.Shape(11, 8, 3, 2, 8, "gpt2", 0.1),
                new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder()));
        net.init();   // token, position, dropout, (block, dropout) x 3, LayerNorm, output
        Map<String, String> set = new HashMap<>(Map.of("fine-tune.freeze-embeddings", "true"));
        assertEquals(2, FineTuning.frozenPrefix(net, TrainConfig.load(Optional.empty(), set)));
        set.put("fine-tune.freeze-blocks", "2");
        assertEquals(6, FineTuning.frozenPrefix(net, TrainConfig.load(Optional.empty(), set)));
        set.put("fine-tune.freeze-blocks", "4");
        JobConfigException tooMany = assertThrows(JobConfigException.class,
                () -> FineTuning.frozenPrefix(net, TrainConfig.load(Optional.empty(), set)));
        assertTrue(tooMany.getMessage().contains("has 3 block(s)"), tooMany.getMessage());
        assertEquals(-1, FineTuning.frozenPrefix(net, TrainConfig.load(Optional.empty(), Map.of())));
    }

    @Test
    void aNonFiniteLossStopsTheRunWithAClearMessageAndWritesNoCheckpoint() throws IOException {
        SparkSession spark = LocalSpark.get();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        String all = Files.readString(EndToEndTest.CORPUS, StandardCharsets.UTF_8);
        Path data = preprocess(spark, "n", all.substring(0, all.lastIndexOf("\n\n", 30_000)), Map.of());
        Path run = tmp.resolve("good");
        TrainJob.run(spark, config(data, run, Map.of("max-steps", "5")), TrainJob.Start.NEW);

        // A checkpoint whose weights are NaN (a run that diverged): fine-tuning from it must stop
        // at the first loss it sees, before writing anything.
        CheckpointStore.Checkpoint good = CheckpointStore.load(run.toString(), sc.hadoopConfiguration());
        MultiLayerNetwork broken = good.network();
        broken.params().assign(Double.NaN);
        Path brokenRun = tmp.resolve("broken");
        new CheckpointStore(brokenRun.toString(), sc.hadoopConfiguration()).save(broken, good.state(), good.tokenizer());

        Path fine = tmp.resolve("fine-nan");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> TrainJob.run(spark,
                config(data, fine, Map.of("max-steps", "20")), TrainJob.Start.fineTuning(brokenRun.toString())));
        assertTrue(e.getMessage().contains("training loss became NaN at step")
                && e.getMessage().contains("no checkpoint of this run was written yet"), e.getMessage());
        assertTrue(new CheckpointStore(fine.toString(), sc.hadoopConfiguration()).list().isEmpty());
    }
}
