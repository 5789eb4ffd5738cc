package dev.sparklm.train;

import dev.sparklm.io.LocalSpark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparklm.preprocess.PreprocessConfig;
import dev.sparklm.preprocess.PreprocessJob;
import dev.sparklm.shards.ShardManifest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both jobs with their inputs and outputs on a real (in-JVM) HDFS, addressed by hdfs:// URIs. */
class HdfsRoundTripTest {
    static MiniDFSCluster cluster;
    static String hdfs;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void startHdfs() throws IOException {
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, tmp.resolve("hdfs").toString());
        cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        cluster.waitActive();
        hdfs = "hdfs://localhost:" + cluster.getNameNodePort();
    }

    @AfterAll
    static void stopHdfs() {
        if (cluster != null) {
            cluster.shutdown();
        }
    }

    @Test
    void preprocessTrainAndReloadOnHdfs() throws IOException {
        SparkSession spark = LocalSpark.get();
        FileSystem fs = cluster.getFileSystem();
        String all = Files.readString(EndToEndTest.CORPUS, StandardCharsets.UTF_8);
        try (var out = fs.create(new org.apache.hadoop.fs.Path("/corpus/shakespeare.txt"))) {
            out.write(all.substring(0, all.lastIndexOf("\n\n", 60_000)).getBytes(StandardCharsets.UTF_8));
        }

        ShardManifest manifest = PreprocessJob.run(spark, PreprocessConfig.load(Optional.of(new java.io.File("../conf/tinyshakespeare.conf")), Map.of(
                "input", hdfs + "/corpus/*.txt", "output", hdfs + "/lm/data", "context", "16")));
        assertTrue(fs.exists(new org.apache.hadoop.fs.Path("/lm/data/manifest.json")));
        assertTrue(manifest.split("train").sequences() > 0);

        TrainConfig cfg = TrainConfig.load(Optional.empty(), Map.of(
                "data", hdfs + "/lm/data", "output", hdfs + "/lm/run",
                "model.embedding", "8", "model.hidden", "16", "spark.batch-size-per-worker", "8",
                "spark.averaging-frequency", "2", "epochs", "1", "max-steps", "6", "log-every-rounds", "1"));
        TrainJob.Result result = TrainJob.run(spark, cfg, TrainJob.Start.NEW);
        assertEquals(6, result.steps());
        assertTrue(result.lastCheckpoint().toString().startsWith(hdfs), result.lastCheckpoint().toString());
        String metrics = new String(fs.open(new org.apache.hadoop.fs.Path("/lm/run/metrics.jsonl")).readAllBytes(),
                StandardCharsets.UTF_8);
        assertEquals(2, metrics.lines().count(), "before training and after the (only) epoch: " + metrics);

        CheckpointStore.Checkpoint loaded = CheckpointStore.load(hdfs + "/lm/run", spark.sparkContext().hadoopConfiguration());
        assertEquals(6, loaded.state().step());
        assertEquals(manifest.tokenizer().fingerprint(), loaded.tokenizer().fingerprint());
        ShardedCorpus corpus = ShardedCorpus.open(hdfs + "/lm/data", spark.sparkContext().hadoopConfiguration());
        double reloaded = ValidationEvaluator.evaluate(
                org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext()),
                loaded.network(), corpus.windows(spark, "validation"), 8, corpus.tokenizer().vocabSize(), false).loss();
        assertEquals(result.validationLoss(), reloaded, 1e-5);
        assertEquals(1, fs.listStatus(new org.apache.hadoop.fs.Path("/lm/run/checkpoints")).length,
                "one checkpoint and no temporaries left");

        // Resume and fine-tune read the checkpoint back from HDFS.
        TrainConfig longer = TrainConfig.load(Optional.empty(), Map.of(
                "data", hdfs + "/lm/data", "output", hdfs + "/lm/run",
                "model.embedding", "8", "model.hidden", "16", "spark.batch-size-per-worker", "8",
                "spark.averaging-frequency", "2", "epochs", "1", "max-steps", "10", "log-every-rounds", "1"));
        assertEquals(10, TrainJob.run(spark, longer, TrainJob.Start.RESUME).steps());
        assertEquals(10, CheckpointStore.load(hdfs + "/lm/run", spark.sparkContext().hadoopConfiguration()).state().step());
        TrainConfig fine = TrainConfig.load(Optional.empty(), Map.of(
                "data", hdfs + "/lm/data", "output", hdfs + "/lm/fine",
                "model.embedding", "8", "model.hidden", "16", "spark.batch-size-per-worker", "8",
                "spark.averaging-frequency", "2", "epochs", "1", "max-steps", "2", "fine-tune.freeze-embeddings", "true"));
        TrainJob.Result tuned = TrainJob.run(spark, fine, TrainJob.Start.fineTuning(hdfs + "/lm/run"));
        assertEquals(2, tuned.steps());
        assertTrue(tuned.lastCheckpoint().toString().startsWith(hdfs + "/lm/fine"), tuned.lastCheckpoint().toString());
    }
}
