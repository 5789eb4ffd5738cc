package dev.sparklm.train;

import dev.sparklm.io.LocalSpark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparklm.preprocess.PreprocessConfig;
import dev.sparklm.preprocess.PreprocessJob;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The transformer through the whole training path: parameter averaging, checkpoint, generation. */
class GptTrainingTest {
    @TempDir
    Path tmp;

    @Test
    void gptTrainsWithParameterAveragingAndReloads() throws IOException {
        SparkSession spark = LocalSpark.get();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        String all = Files.readString(EndToEndTest.CORPUS, StandardCharsets.UTF_8);
        Path input = Files.writeString(tmp.resolve("slice.txt"), all.substring(0, all.lastIndexOf("\n\n", 100_000)));
        Path data = tmp.resolve("data");
        PreprocessJob.run(spark, PreprocessConfig.load(Optional.of(new java.io.File("../conf/tinyshakespeare.conf")),
                Map.of("input", input.toString(), "output", data.toString(), "context", "16")));

        Path run = tmp.resolve("run");
        TrainConfig cfg = TrainConfig.load(Optional.empty(), Map.ofEntries(
                Map.entry("data", data.toString()), Map.entry("output", run.toString()),
                Map.entry("model.type", "gpt"), Map.entry("model.embedding", "32"), Map.entry("model.layers", "2"),
                Map.entry("model.heads", "2"), Map.entry("spark.batch-size-per-worker", "16"),
                Map.entry("spark.averaging-frequency", "5"), Map.entry("optimizer.learning-rate", "0.005"),
                Map.entry("max-steps", "120")));
        TrainJob.Result result = TrainJob.run(spark, cfg, TrainJob.Start.NEW);
        assertEquals(120, result.steps());
        assertTrue(result.validationLoss() < result.initialValidationLoss() - 1.2,
                "validation loss " + result.initialValidationLoss() + " -> " + result.validationLoss());

        CheckpointStore.Checkpoint c = CheckpointStore.load(run.toString(), sc.hadoopConfiguration());
        ShardedCorpus corpus = ShardedCorpus.open(data.toString(), sc.hadoopConfiguration());
        double reloaded = ValidationEvaluator.evaluate(sc, c.network(), corpus.windows(spark, "validation"), 16,
                corpus.tokenizer().vocabSize(), false).loss();   // the network's forward pass: training scored with the graph
        assertEquals(result.validationLoss(), reloaded, 1e-5);

        TextGenerator generator = new TextGenerator(c.network(), c.tokenizer(), c.state().context());
        int[] a = generator.generate("KING", 40, 1.0, 10, 3, s -> {});
        assertArrayEquals(a, generator.generate("KING", 40, 1.0, 10, 3, s -> {}));
        assertEquals(40, a.length);
    }
}
