package dev.sparklm.train;

import dev.sparklm.io.LocalSpark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparklm.preprocess.PreprocessConfig;
import dev.sparklm.preprocess.PreprocessJob;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResumeAndEarlyStoppingTest {
    @TempDir
    Path tmp;
    Path data;
    SparkSession spark;

    @BeforeEach
    void shards() throws IOException {
        spark = LocalSpark.get();
        String all = Files.readString(EndToEndTest.CORPUS, StandardCharsets.UTF_8);
        Path input = Files.writeString(tmp.resolve("slice.txt"), all.substring(0, all.lastIndexOf("\n\n", 60_000)));
        data = tmp.resolve("data");
        PreprocessJob.run(spark, PreprocessConfig.load(Optional.of(new java.io.File("../conf/tinyshakespeare.conf")),
                Map.of("input", input.toString(), "output", data.toString(), "context", "16")));
    }

    TrainConfig config(Path run, Map<String, String> extra) {
        Map<String, String> o = new HashMap<>(Map.of("data", data.toString(), "output", run.toString(),
                "model.embedding", "8", "model.hidden", "16", "spark.batch-size-per-worker", "8",
                "spark.averaging-frequency", "2", "evaluation.every-rounds", "2", "log-every-rounds", "1", "epochs", "5"));
        o.putAll(extra);
        return TrainConfig.load(Optional.empty(), o);
    }

    @Test
    void resumeSkipsACorruptCheckpointAndContinuesTheStepCount() throws IOException {
        Path run = tmp.resolve("run");
        TrainJob.Result first = TrainJob.run(spark, config(run, Map.of("max-steps", "12")), TrainJob.Start.NEW);
        assertEquals(12, first.steps());
        List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"));
        assertEquals(4, lines.size(), "step 0, then every 4 steps");

        // The newest checkpoint (step 12) is damaged: resume must report it and use step 8's.
        Path newest = run.resolve("checkpoints").resolve("step-000000012").resolve("model.zip");
        byte[] bytes = Files.readAllBytes(newest);
        bytes[bytes.length / 3] ^= 0x7F;
        Files.write(newest, bytes);

        TrainJob.Result resumed = TrainJob.run(spark, config(run, Map.of("max-steps", "20")), TrainJob.Start.RESUME);
        assertEquals(20, resumed.steps());
        List<String> after = Files.readAllLines(run.resolve("metrics.jsonl"));
        ObjectMapper json = new ObjectMapper();
        List<Long> steps = after.stream().map(l -> {
            try {
                return json.readTree(l).get("step").asLong();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }).toList();
        assertEquals(List.of(0L, 4L, 8L, 12L, 16L, 20L), steps, "resumed from step 8: step 12's row replaced, 16 and 20 added");
        // Bits per byte on every row, step 0 included: the same validation tokens and bytes, so
        // the same ratio to the loss in nats.
        double ratio = json.readTree(after.get(0)).get("val_bits_per_byte").asDouble() / json.readTree(after.get(0)).get("val_loss").asDouble();
        assertTrue(ratio > 0, after.get(0));
        for (String row : after) {
            var r = json.readTree(row);
            assertEquals(ratio, r.get("val_bits_per_byte").asDouble() / r.get("val_loss").asDouble(), 1e-9 * ratio, row);
        }
        CheckpointStore.Checkpoint last = CheckpointStore.load(run.toString(), spark.sparkContext().hadoopConfiguration());
        assertEquals(20, last.state().step());
        assertTrue(last.state().epochPosition() > 0);
    }

    /**
     * A driver killed after checkpoint 8 (its later checkpoints never written, a metrics row
     * after it already appended), resumed with the same seed: the same parameters, optimizer
     * state and metrics rows as the run that was never interrupted. Dropout is on, so the
     * dropout masks must come out the same too.
     */
    @Test
    void aResumedRunEndsExactlyWhereTheUninterruptedRunEnds() throws IOException {
        Map<String, String> settings = Map.of("max-steps", "16", "checkpoint.keep-last", "10", "model.dropout", "0.2");
        Path whole = tmp.resolve("whole");
        TrainJob.run(spark, config(whole, settings), TrainJob.Start.NEW);

        Path killed = tmp.resolve("killed");
        copyTree(whole, killed);
        EndToEndTest.deleteRecursively(killed.resolve("checkpoints").resolve(CheckpointStore.name(16)));
        EndToEndTest.deleteRecursively(killed.resolve("checkpoints").resolve(CheckpointStore.name(12)));
        TrainJob.Result resumed = TrainJob.run(spark, config(killed, settings), TrainJob.Start.RESUME);
        assertEquals(16, resumed.steps());

        var conf = spark.sparkContext().hadoopConfiguration();
        CheckpointStore.Checkpoint a = CheckpointStore.load(whole.toString(), conf);
        CheckpointStore.Checkpoint b = CheckpointStore.load(killed.toString(), conf);
        assertEquals(16, b.state().step());
        float[] pa = a.network().params().toFloatVector();
        float[] pb = b.network().params().toFloatVector();
        float[] sa = Replica.optimizerState(a.network());
        float[] sb = Replica.optimizerState(b.network());
        assertEquals(pa.length, pb.length);
        assertTrue(maxDifference(pa, pb) <= 1e-6f, "parameters differ by " + maxDifference(pa, pb));
        assertTrue(maxDifference(sa, sb) <= 1e-6f, "optimizer state differs by " + maxDifference(sa, sb));
        float[] p8 = CheckpointStore.load(whole.resolve("checkpoints").resolve(CheckpointStore.name(8)).toString(), conf)
                .network().params().toFloatVector();
        assertTrue(maxDifference(pa, p8) > 1e-3f, "steps 9-16 changed the parameters");
        assertEquals(a.state().epochPosition(), b.state().epochPosition());
        assertEquals(a.state().tokensSeen(), b.state().tokensSeen());
        assertEquals(a.state().bestCheckpoint(), b.state().bestCheckpoint());
        assertEquals(metricsWithoutTimes(whole), metricsWithoutTimes(killed));
    }

    /**
     * Resumed on three workers instead of two, mid-epoch: the workers fit exactly the epoch's
     * remaining windows (the loop checks at the epoch's end that the windows the workers report
     * add up to the epoch, and fails the run otherwise), and the next epoch starts at its first.
     */
    @Test
    void aRunResumedOnMoreWorkersFinishesTheEpochWithExactlyItsRemainingWindows() {
        Path run = tmp.resolve("rescaled");
        TrainJob.Result first = TrainJob.run(spark, config(run, Map.of("spark.workers", "2", "max-steps", "6",
                "epochs", "1")), TrainJob.Start.NEW);
        assertEquals(6, first.steps());
        var conf = spark.sparkContext().hadoopConfiguration();
        long trained = CheckpointStore.load(run.toString(), conf).state().epochPosition();
        assertEquals(6 * 2 * 8, trained, "6 steps of 2 workers x 8 windows");
        long epoch = ShardedCorpus.open(data.toString(), conf).manifest().split(dev.sparklm.shards.ShardManifest.TRAIN).sequences();

        TrainJob.Result resumed = TrainJob.run(spark, config(run, Map.of("spark.workers", "3", "epochs", "1")), TrainJob.Start.RESUME);
        CheckpointStore.Checkpoint end = CheckpointStore.load(run.toString(), conf);
        assertEquals(epoch, end.state().epochPosition(), "the epoch's windows, each once: " + trained + " before, the rest after");
        assertEquals(epoch * 16, end.state().tokensSeen(), "context 16: every window's tokens counted once");
        assertTrue(resumed.steps() > 6);
    }

    /** The checkpoint with the best validation loss survives pruning, also after a resume. */
    @Test
    void theBestCheckpointSurvivesPruningAcrossAResume() throws IOException {
        // Improvements below 0.3 do not count: only the first evaluation (step 4) improves.
        Map<String, String> settings = new HashMap<>(Map.of("checkpoint.keep-last", "1", "evaluation.min-improvement", "0.3",
                "optimizer.learning-rate", "0.05"));
        Path run = tmp.resolve("best");
        settings.put("max-steps", "8");
        TrainJob.run(spark, config(run, settings), TrainJob.Start.NEW);
        List<String> names = checkpointNames(run);
        assertEquals(List.of(CheckpointStore.name(4), CheckpointStore.name(8)), names, "step 4 is the best, 8 the last");
        settings.put("max-steps", "16");
        TrainJob.run(spark, config(run, settings), TrainJob.Start.RESUME);
        assertEquals(List.of(CheckpointStore.name(4), CheckpointStore.name(16)), checkpointNames(run));
    }

    private static List<String> checkpointNames(Path run) throws IOException {
        try (var s = Files.list(run.resolve("checkpoints"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("step-")).sorted().toList();
        }
    }

    private static List<Map<String, Object>> metricsWithoutTimes(Path run) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<Map<String, Object>> rows = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            @SuppressWarnings("unchecked")
            Map<String, Object> row = json.readValue(line, Map.class);
            row.keySet().removeAll(List.of("time", "elapsed_sec", "tokens_per_sec"));
            rows.add(row);
        }
        return rows;
    }

    static float maxDifference(float[] a, float[] b) {
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    /** A directory and everything under it, copied to {@code to} (which must not exist). */
    static void copyTree(Path from, Path to) throws IOException {
        try (var files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }


    @Test
    void aTimeBudgetEndsTheRunWithACheckpointThatResumes() throws IOException {
        Path run = tmp.resolve("budget");
        // 6 ms: the budget is spent by the end of the first round (2 steps), never before it.
        TrainJob.Result first = TrainJob.run(spark, config(run, Map.of("max-steps", "12", "max-minutes", "0.0001")), TrainJob.Start.NEW);
        assertEquals(2, first.steps(), "one averaging round");
        assertEquals(2, Files.readAllLines(run.resolve("metrics.jsonl")).size(), "step 0 and the stop");
        CheckpointStore.Checkpoint stop = CheckpointStore.load(run.toString(), spark.sparkContext().hadoopConfiguration());
        assertEquals(2, stop.state().step());

        TrainJob.Result resumed = TrainJob.run(spark, config(run, Map.of("max-steps", "12")), TrainJob.Start.RESUME);
        assertEquals(12, resumed.steps());
    }

    @Test
    void earlyStoppingEndsARunThatNoLongerImproves() {
        Path run = tmp.resolve("stuck");
        // A learning rate too small to move the loss by 0.01: every evaluation fails to improve.
        TrainJob.Result r = TrainJob.run(spark, config(run, Map.of("optimizer.learning-rate", "1e-8",
                "evaluation.patience", "2", "evaluation.min-improvement", "0.01", "max-steps", "40")), TrainJob.Start.NEW);
        assertTrue(r.stoppedEarly());
        assertEquals(8, r.steps(), "two evaluations (steps 4 and 8) without improvement");

        TrainJob.Result improving = TrainJob.run(spark, config(tmp.resolve("fine"), Map.of("optimizer.learning-rate", "0.01",
                "evaluation.patience", "2", "max-steps", "16")), TrainJob.Start.NEW);
        assertFalse(improving.stoppedEarly());
        assertEquals(16, improving.steps());
    }
}
