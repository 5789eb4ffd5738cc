package dev.sparklm.train;

import dev.sparklm.io.LocalSpark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparklm.io.JobConfigException;
import dev.sparklm.preprocess.PreprocessConfig;
import dev.sparklm.preprocess.PreprocessJob;
import dev.sparklm.shards.ShardManifest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

/** The whole path in local mode: corpus -> shards -> parameter averaging -> checkpoint -> generation. */
class EndToEndTest {
    static final Path CORPUS = Path.of("..", "data", "tinyshakespeare", "input.txt");

    @TempDir
    Path tmp;

    @Test
    void preprocessTrainCheckpointReloadGenerate() throws IOException {
        SparkSession spark = LocalSpark.get();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());

        // 1. Preprocess the first ~200 KB of Tiny Shakespeare. The outputs stay in target/e2e,
        //    where CI runs the notebooks on them.
        Path e2e = Path.of("target", "e2e").toAbsolutePath();
        deleteRecursively(e2e);
        String all = Files.readString(CORPUS, StandardCharsets.UTF_8);
        Path input = Files.writeString(tmp.resolve("slice.txt"), all.substring(0, all.lastIndexOf("\n\n", 200_000)));
        Path data = e2e.resolve("data");
        ShardManifest manifest = PreprocessJob.run(spark, PreprocessConfig.load(Optional.of(new java.io.File("../conf/tinyshakespeare.conf")),
                Map.of("input", input.toString(), "output", data.toString(), "context", "32")));
        assertTrue(manifest.split("train").sequences() > 4000, "train sequences: " + manifest.split("train").sequences());

        // 2. Train a small LSTM for two epochs with parameter averaging on 2 local workers.
        Path run = e2e.resolve("run");
        TrainConfig cfg = TrainConfig.load(Optional.empty(), Map.of(
                "data", data.toString(), "output", run.toString(),
                "model.embedding", "16", "model.hidden", "64",
                "spark.batch-size-per-worker", "16", "spark.averaging-frequency", "4",
                "optimizer.learning-rate", "0.01", "epochs", "2", "log-every-rounds", "8"));
        TrainJob.Result result = TrainJob.run(spark, cfg, TrainJob.Start.NEW);

        // Loss falls: from about ln(vocab) to clearly better than a unigram model (~3.3 nats).
        double uniform = Math.log(manifest.tokenizer().vocabSize());
        assertEquals(uniform, result.initialValidationLoss(), 0.3, "an untrained model guesses about uniformly");
        assertTrue(result.validationLoss() < 2.9, "validation loss after training: " + result.validationLoss());
        // Steps and tokens as the workers counted what they fitted: every training window once
        // per epoch, in minibatches of 16 on each of 2 workers.
        long sequences = manifest.split("train").sequences();
        assertEquals(2 * ((sequences + 31) / 32), result.steps());
        assertEquals(2 * sequences * 32, result.tokensSeen());

        // metrics.jsonl: one line before training and one per epoch, loss falling.
        List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"));
        assertEquals(3, lines.size());
        ObjectMapper json = new ObjectMapper();
        JsonNode first = json.readTree(lines.get(0));
        JsonNode last = json.readTree(lines.get(2));
        assertTrue(last.get("val_loss").asDouble() < first.get("val_loss").asDouble());
        assertEquals(result.validationLoss(), last.get("val_loss").asDouble(), 1e-9);
        assertTrue(last.get("train_loss").asDouble() < uniform);

        // 3. Reload the checkpoint: the same validation loss, to float precision.
        CheckpointStore.Checkpoint checkpoint = CheckpointStore.load(run.toString(), sc.hadoopConfiguration());
        assertEquals(result.lastCheckpoint().getName(), checkpoint.path().getName());
        assertEquals(result.steps(), checkpoint.state().step());
        assertEquals(2, checkpoint.state().epoch());
        ShardedCorpus corpus = ShardedCorpus.open(data.toString(), sc.hadoopConfiguration());
        assertEquals(corpus.tokenizer(), checkpoint.tokenizer());
        JavaRDD<int[]> validation = corpus.windows(spark, "validation");
        // The validation split is one shard; training scores it on both local workers, all of it.
        assertEquals(1, validation.getNumPartitions());
        TrainingLoop.HeldOut spread = TrainJob.heldOut(spark, sc, corpus, "validation",
                org.apache.spark.storage.StorageLevel.MEMORY_ONLY());
        assertEquals(List.of(true, true), spread.windows().glom().map(p -> !p.isEmpty()).collect());
        assertEquals(validation.count(), spread.sequences());
        spread.windows().unpersist(false);
        double reloaded = ValidationEvaluator.evaluate(sc, checkpoint.network(), validation, 16, corpus.tokenizer().vocabSize(), false).loss();
        assertEquals(result.validationLoss(), reloaded, 1e-5);
        assertEquals(2, new CheckpointStore(run.toString(), sc.hadoopConfiguration()).list().size(), "keep-last 2");

        // `evaluate --data`: the same loss on the shards' validation split, and bits per byte over
        // the bytes of text the targets stand for (character-level ASCII: one byte per target,
        // none for <|endoftext|>, which stands for no text).
        EvaluateCommand.Result onShards = EvaluateCommand.evaluateShards(spark, checkpoint, data.toString(), "validation", 16);
        assertEquals(result.validationLoss(), onShards.loss(), 1e-5);
        assertEquals(validation.count() * 32, onShards.tokens());
        int eot = corpus.tokenizer().endOfTextId();
        long separators = validation.map(w -> java.util.Arrays.stream(w, 1, w.length).filter(id -> id == eot).count())
                .reduce(Long::sum);
        assertTrue(separators > 0);
        assertEquals(onShards.tokens() - separators, onShards.bytes());
        assertEquals(onShards.loss() * onShards.tokens() / Math.log(2) / onShards.bytes(), onShards.bitsPerByte(), 1e-12);

        // The test split (preprocess.split.test-fraction, 0.05 by default) is scored once, at the
        // end, on the model the run ends with: the checkpoint's loss on it, in the last row only.
        assertTrue(manifest.split("test").sequences() > 0, "test sequences: " + manifest.split("test").sequences());
        EvaluateCommand.Result onTest = EvaluateCommand.evaluateShards(spark, checkpoint, data.toString(), "test", 16);
        assertEquals(manifest.split("test").sequences() * 32, onTest.tokens());
        assertEquals(onTest.loss(), result.testLoss(), 1e-5);
        assertTrue(Math.abs(result.testLoss() - result.validationLoss()) > 1e-4, "the test split, not validation, was scored");
        assertEquals(result.testLoss(), last.get("test_loss").asDouble(), 1e-9);
        assertEquals(onTest.bitsPerByte(), last.get("test_bits_per_byte").asDouble(), 1e-5);
        assertFalse(first.has("test_loss"));
        assertFalse(json.readTree(lines.get(1)).has("test_loss"), "the first epoch's evaluation does not score test");

        // The train loss reported is per token: DL4J's score over the context equals our NLL per token.
        List<int[]> some = validation.take(8);
        DataSet ds = SequenceBatches.toDataSet(some, corpus.tokenizer().vocabSize());
        double perToken = ValidationEvaluator.negativeLogLikelihood(checkpoint.network(), ds) / (8 * 32);
        assertEquals(perToken, checkpoint.network().score(ds) / 32, 1e-3);

        // 4. Generation: decodable text, the same for the same seed.
        TextGenerator generator = new TextGenerator(checkpoint.network(), checkpoint.tokenizer(), checkpoint.state().context());
        StringBuilder streamed = new StringBuilder();
        int[] a = generator.generate("ROMEO:", 100, 0.8, 0, 7, streamed::append);
        int[] b = generator.generate("ROMEO:", 100, 0.8, 0, 7, s -> {});
        assertArrayEquals(a, b);
        assertEquals(100, a.length);
        assertEquals(checkpoint.tokenizer().decode(a), streamed.toString());
        assertFalse(streamed.toString().contains("\uFFFD"));

        // A second run into the same directory must be asked for.
        JobConfigException again = assertThrows(JobConfigException.class, () -> TrainJob.run(spark, cfg, TrainJob.Start.NEW));
        assertTrue(again.getMessage().contains("--overwrite"), again.getMessage());
        // An output path that is a file is named, not a stack trace, and left as it was.
        Path runFile = Files.writeString(tmp.resolve("run-file"), "keep");
        TrainConfig toFile = TrainConfig.load(Optional.empty(), Map.of("data", data.toString(), "output", runFile.toString()));
        JobConfigException file = assertThrows(JobConfigException.class, () -> TrainJob.run(spark, toFile, TrainJob.Start.NEW));
        assertTrue(file.getMessage().contains("train.output " + runFile + " is a file"), file.getMessage());
        assertEquals("keep", Files.readString(runFile));
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    @Test
    void corruptCheckpointIsReportedNotLoaded() throws IOException {
        SparkSession spark = LocalSpark.get();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        TrainConfig cfg = TrainConfig.load(Optional.empty(), Map.of("model.hidden", "8", "model.embedding", "4"));
        var net = new org.deeplearning4j.nn.multilayer.MultiLayerNetwork(TrainJob.modelConfiguration(cfg, 10, 1, 100));
        net.init();
        var tokenizer = dev.sparklm.tokenizer.CharTokenizer.train("abcdefgh");
        CheckpointStore store = new CheckpointStore(tmp.toString(), sc.hadoopConfiguration());
        TrainingState state = new TrainingState(5, 1, 40, 100, 2.0, 2.1, 2.1, 0, null, "lstm", 8, 10, tokenizer.fingerprint(),
                "d", "now", null, "{}");
        org.apache.hadoop.fs.Path saved = store.save(net, state, tokenizer);
        assertArrayEquals(net.params().toFloatVector(),
                CheckpointStore.load(saved.toString(), sc.hadoopConfiguration()).network().params().toFloatVector());

        Path model = Path.of(saved.toUri()).resolve("model.zip");
        byte[] bytes = Files.readAllBytes(model);
        bytes[bytes.length / 2] ^= 0x55;
        Files.write(model, bytes);
        Exception e = assertThrows(RuntimeException.class, () -> CheckpointStore.load(saved.toString(), sc.hadoopConfiguration()));
        assertTrue(e.getMessage().contains("model.zip"), e.getMessage());
    }

    @Test
    void missingShardsAreNamed() {
        SparkSession spark = LocalSpark.get();
        TrainConfig cfg = TrainConfig.load(Optional.empty(), Map.of("data", tmp.resolve("nothing").toString(),
                "output", tmp.resolve("run").toString()));
        JobConfigException e = assertThrows(JobConfigException.class, () -> TrainJob.run(spark, cfg, TrainJob.Start.NEW));
        assertTrue(e.getMessage().contains("manifest.json") && e.getMessage().contains("nothing"), e.getMessage());
    }
}
