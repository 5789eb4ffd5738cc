package dev.sparklm.train;

import dev.sparklm.io.LocalSpark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparklm.io.CommandLineJobs;
import dev.sparklm.io.JobConfigException;
import dev.sparklm.preprocess.PreprocessConfig;
import dev.sparklm.preprocess.PreprocessJob;
import dev.sparklm.shards.ShardManifest;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shards the training job must refuse before it writes anything: ids outside the vocabulary, an
 * empty split, a checkpoint of another tokenizer; each with one message naming the file, which
 * the command line turns into exit code 2.
 */
class BadTrainingInputTest {
    static final File PROFILE = new File("../conf/tinyshakespeare.conf");

    @TempDir
    Path tmp;

    Path preprocess(SparkSession spark, String name, String text) throws IOException {
        Path input = Files.writeString(tmp.resolve(name + ".txt"), text);
        Map<String, String> o = new HashMap<>(Map.of("input", input.toString(), "output", tmp.resolve(name).toString(),
                "context", "16"));
        PreprocessJob.run(spark, PreprocessConfig.load(Optional.of(PROFILE), o));
        return tmp.resolve(name);
    }

    TrainConfig config(Path data, Path run) {
        return TrainConfig.load(Optional.empty(), Map.of("data", data.toString(), "output", run.toString(),
                "model.embedding", "8", "model.hidden", "16", "spark.batch-size-per-worker", "8", "max-steps", "3"));
    }

    static String text() throws IOException {
        String all = Files.readString(EndToEndTest.CORPUS, StandardCharsets.UTF_8);
        return all.substring(0, all.lastIndexOf("\n\n", 20_000));
    }

    @Test
    void aShardWithAnIdOutsideTheVocabularyIsNamedAndNothingIsWritten() throws IOException {
        SparkSession spark = LocalSpark.get();
        Path data = preprocess(spark, "a", text());
        ShardManifest m = ShardManifest.fromJson(Files.readString(data.resolve("manifest.json")), "manifest.json");
        Path shard = data.resolve("train").resolve(m.split("train").files().get(0));
        int vocab = m.tokenizer().vocabSize();

        // The same shard, with one id replaced by vocab + 5.
        List<Row> rows = new ArrayList<>(spark.read().parquet(shard.toString()).collectAsList());
        List<Integer> ids = new ArrayList<>(rows.get(0).getList(0));
        ids.set(3, vocab + 5);
        rows.set(0, RowFactory.create((Object) ids.stream().mapToInt(Integer::intValue).toArray()));
        StructType schema = DataTypes.createStructType(List.of(DataTypes.createStructField(ShardManifest.COLUMN,
                DataTypes.createArrayType(DataTypes.IntegerType, false), false)));
        Path rewritten = tmp.resolve("rewritten");
        spark.createDataFrame(rows, schema).coalesce(1).write().parquet(rewritten.toString());
        Path part = Files.list(rewritten).filter(p -> p.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
        Files.move(part, shard, StandardCopyOption.REPLACE_EXISTING);
        Files.deleteIfExists(shard.resolveSibling("." + shard.getFileName() + ".crc"));   // Hadoop's local checksum

        Path run = tmp.resolve("run");
        Exception e = assertThrows(Exception.class, () -> TrainJob.run(spark, config(data, run), TrainJob.Start.NEW));
        Throwable shown = CommandLineJobs.badInput(e);
        assertTrue(shown != null, "reported as bad input: " + e);
        assertTrue(shown.getMessage().contains(shard.getFileName().toString())
                && shown.getMessage().contains("token id " + (vocab + 5) + " outside the vocabulary of " + vocab),
                shown.getMessage());
        assertFalse(Files.exists(run.resolve("checkpoints")) || Files.exists(run.resolve("metrics.jsonl")));
        // bin/inspect's reader (no Spark) checks the same way.
        ShardedCorpus corpus = ShardedCorpus.open(data.toString(), new org.apache.hadoop.conf.Configuration());
        Exception read = assertThrows(IllegalArgumentException.class,
                () -> corpus.firstWindows("train", 1, new org.apache.hadoop.conf.Configuration()));
        assertTrue(read.getMessage().contains(shard.getFileName().toString())
                && read.getMessage().contains("token id " + (vocab + 5) + " outside the vocabulary of " + vocab), read.getMessage());
    }

    @Test
    void anEmptySplitStopsTheJobNamingTheManifest() throws IOException {
        SparkSession spark = LocalSpark.get();
        Path data = preprocess(spark, "b", text());
        Path manifest = data.resolve("manifest.json");
        String json = Files.readString(manifest);
        ShardManifest m = ShardManifest.fromJson(json, "manifest.json");
        String validation = "\"sequences\":" + m.split("validation").sequences();
        assertTrue(json.replace(" ", "").contains(validation), json);
        // Without its tokenizer the data is incomplete: named, not a stack trace.
        Path copy = tmp.resolve("no-tokenizer");
        ResumeAndEarlyStoppingTest.copyTree(data, copy);
        Files.delete(copy.resolve("tokenizer.json"));
        JobConfigException missing = assertThrows(JobConfigException.class,
                () -> TrainJob.run(spark, config(copy, tmp.resolve("run0")), TrainJob.Start.NEW));
        assertTrue(missing.getMessage().contains(copy.resolve("tokenizer.json") + " is missing"), missing.getMessage());

        Files.writeString(manifest, json.replace(" ", "").replace(validation, "\"sequences\":0"));
        // Edited after Hadoop wrote it: its checksum file says so, in a message that says what to do.
        JobConfigException edited = assertThrows(JobConfigException.class,
                () -> TrainJob.run(spark, config(data, tmp.resolve("run1")), TrainJob.Start.NEW));
        assertTrue(edited.getMessage().contains("does not match its checksum file .manifest.json.crc"), edited.getMessage());
        Files.deleteIfExists(manifest.resolveSibling(".manifest.json.crc"));

        Path run = tmp.resolve("run");
        JobConfigException e = assertThrows(JobConfigException.class, () -> TrainJob.run(spark, config(data, run), TrainJob.Start.NEW));
        assertTrue(e.getMessage().contains(manifest.getFileName().toString()) && e.getMessage().contains("'validation' split has no"),
                e.getMessage());
        assertFalse(Files.exists(run));
    }

    @Test
    void resumingOnShardsOfAnotherTokenizerIsRefused() throws IOException {
        SparkSession spark = LocalSpark.get();
        Path data = preprocess(spark, "c", text());
        Path run = tmp.resolve("run");
        TrainJob.run(spark, config(data, run), TrainJob.Start.NEW);
        long checkpoints = Files.list(run.resolve("checkpoints")).count();

        Path other = preprocess(spark, "d", text().replace("the", "th\u00e9"));   // new characters: another vocabulary
        JobConfigException e = assertThrows(JobConfigException.class,
                () -> TrainJob.run(spark, config(other, run), TrainJob.Start.RESUME));
        assertTrue(e.getMessage().startsWith("--resume ") && e.getMessage().contains("was trained with tokenizer"),
                e.getMessage());
        assertEquals(checkpoints, Files.list(run.resolve("checkpoints")).count(), "nothing written");

        // The same shards, but train.model changed: the checkpoint's network would be resumed as
        // it is, the change silently ignored.
        Map<String, String> bigger = new java.util.HashMap<>(Map.of("data", data.toString(), "output", run.toString(),
                "model.embedding", "8", "model.hidden", "32", "spark.batch-size-per-worker", "8", "max-steps", "6"));
        JobConfigException model = assertThrows(JobConfigException.class,
                () -> TrainJob.run(spark, TrainConfig.load(Optional.empty(), bigger), TrainJob.Start.RESUME));
        assertTrue(model.getMessage().contains("train.model differs: model.hidden: 16 in the checkpoint, 32 now."),
                model.getMessage());
        assertEquals(checkpoints, Files.list(run.resolve("checkpoints")).count(), "nothing written");
        bigger.put("model.hidden", "16");   // the checkpoint's model, more steps: resumed
        assertEquals(6, TrainJob.run(spark, TrainConfig.load(Optional.empty(), bigger), TrainJob.Start.RESUME).steps());
    }

    @Test
    void anExecutorsBadInputReachesTheUserAsExitCode2() {
        java.io.PrintStream saved = System.err;
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = CommandLineJobs.execute(new FailsCommand());
        } finally {
            System.setErr(saved);
        }
        assertEquals(CommandLineJobs.USAGE_ERROR, code);
        assertEquals("error: part-0.parquet: token id 70 outside the vocabulary of 65", err.toString(StandardCharsets.UTF_8).trim());
    }

    @picocli.CommandLine.Command(name = "fails")
    static final class FailsCommand implements java.util.concurrent.Callable<Integer> {
        @Override
        public Integer call() throws Exception {   // as Spark reports an executor's failed check
            throw new org.apache.spark.SparkException("Job aborted due to stage failure",
                    new IllegalArgumentException("part-0.parquet: token id 70 outside the vocabulary of 65"));
        }
    }

    /** More workers than the epoch has minibatches: refused when set, lowered when taken from the cluster. */
    @Test
    void moreWorkersThanMinibatchesAreRefusedBeforeTraining() throws IOException {
        SparkSession spark = LocalSpark.get();
        Path data = preprocess(spark, "w", text());
        Path run = tmp.resolve("run");
        Map<String, String> o = new HashMap<>(Map.of("data", data.toString(), "output", run.toString(),
                "model.embedding", "8", "model.hidden", "16", "spark.batch-size-per-worker", "8", "max-steps", "3",
                "spark.workers", "100000"));
        JobConfigException e = assertThrows(JobConfigException.class,
                () -> TrainJob.run(spark, TrainConfig.load(Optional.empty(), o), TrainJob.Start.NEW));
        assertTrue(e.getMessage().contains("train.spark.workers = 100000") && e.getMessage().contains("minibatches"), e.getMessage());
        assertFalse(Files.exists(run.resolve("checkpoints")));

        assertEquals(16, TrainJob.workers(16, 2, 16 * 8, 8, "d"), "exactly one minibatch each");
        assertThrows(JobConfigException.class, () -> TrainJob.workers(17, 2, 16 * 8, 8, "d"));
        assertEquals(3, TrainJob.workers(0, 64, 17, 8, "d"), "a cluster's 64 slots for 3 minibatches: 3 workers");
        assertEquals(64, TrainJob.workers(0, 64, 64 * 8, 8, "d"));
    }
}
