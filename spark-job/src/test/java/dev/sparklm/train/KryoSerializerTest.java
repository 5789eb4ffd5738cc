package dev.sparklm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparklm.io.LocalSpark;
import dev.sparklm.io.SparkSessions;
import dev.sparklm.preprocess.PreprocessConfig;
import dev.sparklm.preprocess.PreprocessJob;
import dev.sparklm.shards.ShardManifest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both jobs on a session whose spark.serializer is Kryo, as many clusters' defaults set it (and
 * DL4J's Spark guide asks): the same shards and the same trained parameters as with Java
 * serialization. Before the records registrator, preprocessing failed in dedup (a record as a
 * shuffle key) and training in its first round (parameter vectors arrived empty).
 */
class KryoSerializerTest {
    private static final String[] SESSION = {
        "spark.master", "local[2]", "spark.app.name", "sparklm-kryo-test", "spark.ui.enabled", "false",
        "spark.driver.host", "127.0.0.1", "spark.serializer", KryoSerializer.class.getName()};

    @TempDir
    Path tmp;

    @Test
    void bothJobsGiveWithKryoWhatTheyGiveWithJavaSerialization() throws IOException {
        String all = Files.readString(EndToEndTest.CORPUS, StandardCharsets.UTF_8);
        Path input = Files.writeString(tmp.resolve("slice.txt"), all.substring(0, all.lastIndexOf("\n\n", 60_000)));

        SparkSession java = LocalSpark.get();
        Outcome expected = runBoth(java, input, tmp.resolve("java"));
        java.stop();

        // As spark-submit passes --conf: system properties, read by the session the jobs create.
        for (int i = 0; i < SESSION.length; i += 2) {
            System.setProperty(SESSION[i], SESSION[i + 1]);
        }
        SparkSession kryo;
        try {
            kryo = SparkSessions.getOrCreate("sparklm-kryo-test");
        } finally {
            for (int i = 0; i < SESSION.length; i += 2) {
                System.clearProperty(SESSION[i]);
            }
        }
        try {
            assertInstanceOf(KryoSerializer.class, kryo.sparkContext().env().serializer());
            Outcome got = runBoth(kryo, input, tmp.resolve("kryo"));
            assertEquals(expected.manifest.tokenizer().fingerprint(), got.manifest.tokenizer().fingerprint());
            assertEquals(expected.manifest.splits().keySet(), got.manifest.splits().keySet());
            expected.manifest.splits().forEach((name, split) -> {
                ShardManifest.SplitInfo other = got.manifest.splits().get(name);
                assertEquals(split.documents(), other.documents(), name);
                assertEquals(split.tokens(), other.tokens(), name);
                assertEquals(split.sequences(), other.sequences(), name);
            });
            assertEquals(expected.trainRows, got.trainRows, "the train split's windows, in order");
            assertEquals(expected.steps, got.steps);
            assertEquals(expected.params.length, got.params.length);
            float diff = ResumeAndEarlyStoppingTest.maxDifference(expected.params, got.params);
            assertTrue(diff <= 1e-6f, "parameters differ by " + diff);
            assertEquals(expected.validationLoss, got.validationLoss, 1e-6);
        } finally {
            kryo.stop();   // the next test class gets a fresh LocalSpark session
        }
    }

    private record Outcome(ShardManifest manifest, List<String> trainRows, long steps, float[] params, double validationLoss) {}

    private static Outcome runBoth(SparkSession spark, Path input, Path dir) {
        Path data = dir.resolve("data");
        ShardManifest manifest = PreprocessJob.run(spark, PreprocessConfig.load(
                Optional.of(new java.io.File("../conf/tinyshakespeare.conf")),
                Map.of("input", input.toString(), "output", data.toString(), "context", "16")));
        List<String> rows = spark.read().parquet(data.resolve(ShardManifest.TRAIN).toString()).collectAsList().stream()
                .map(Row::toString).toList();
        Path run = dir.resolve("run");
        Map<String, String> o = new HashMap<>(Map.of("data", data.toString(), "output", run.toString(),
                "model.embedding", "8", "model.hidden", "16", "spark.batch-size-per-worker", "8",
                "spark.averaging-frequency", "2", "evaluation.every-rounds", "2", "epochs", "5", "max-steps", "4"));
        TrainJob.Result result = TrainJob.run(spark, TrainConfig.load(Optional.empty(), o), TrainJob.Start.NEW);
        CheckpointStore.Checkpoint last = CheckpointStore.load(run.toString(), spark.sparkContext().hadoopConfiguration());
        return new Outcome(manifest, rows, result.steps(), last.network().params().toFloatVector(), result.validationLoss());
    }
}
