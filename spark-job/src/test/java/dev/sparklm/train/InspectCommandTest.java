package dev.sparklm.train;

import dev.sparklm.io.LocalSpark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparklm.io.CommandLineJobs;
import dev.sparklm.preprocess.PreprocessConfig;
import dev.sparklm.preprocess.PreprocessJob;
import dev.sparklm.shards.ShardManifest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

/** bin/inspect, which the notebooks read: its figures checked against the jobs' own counts and DL4J's loss. */
class InspectCommandTest {
    @TempDir
    static Path tmp;
    static Path data;
    static Path run;
    static ShardManifest manifest;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void outputs() throws IOException {
        SparkSession spark = LocalSpark.get();
        String all = Files.readString(EndToEndTest.CORPUS, StandardCharsets.UTF_8);
        String slice = all.substring(0, all.lastIndexOf("\n\n", 60_000));
        // The same speech three times: two exact duplicates for dropped-sample/.
        String speech = "FIRST WATCHMAN:\nStand, who goes there? Speak, and give the word.\n\n";
        Path input = Files.writeString(tmp.resolve("slice.txt"), speech + slice + "\n\n" + speech + speech);
        data = tmp.resolve("data");
        Map<String, String> settings = new HashMap<>(Map.of("input", input.toString(), "output", data.toString(),
                "context", "24", "tokenizer.type", "bpe", "tokenizer.bpe.vocab-size", "400",
                "tokens-per-shard", "1000"));   // several shards a split: firstWindows reads across files
        manifest = PreprocessJob.run(spark, PreprocessConfig.load(Optional.of(new java.io.File("../conf/tinyshakespeare.conf")), settings));
        run = tmp.resolve("run");
        TrainJob.run(spark, TrainConfig.load(Optional.empty(), Map.of("data", data.toString(), "output", run.toString(),
                "model.embedding", "8", "model.hidden", "16", "spark.batch-size-per-worker", "8",
                "spark.averaging-frequency", "2", "max-steps", "4", "optimizer.weight-decay", "0")), TrainJob.Start.NEW);
    }

    /** bin/inspect's exit code and what it printed. */
    record Outcome(int code, String out, String err) {}

    static Outcome execute(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream capturedOut = new ByteArrayOutputStream();
        ByteArrayOutputStream capturedErr = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(capturedOut, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(capturedErr, true, StandardCharsets.UTF_8));
            code = CommandLineJobs.execute(new InspectCommand(), args);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        return new Outcome(code, capturedOut.toString(StandardCharsets.UTF_8), capturedErr.toString(StandardCharsets.UTF_8));
    }

    static JsonNode inspect(String... args) throws IOException {
        Outcome o = execute(args);
        assertEquals(0, o.code(), o.out());
        return JSON.readTree(o.out());
    }

    @Test
    void parquetRowsAreTheDroppedSampleTheJobCounted() throws IOException {
        JsonNode stats = JSON.readTree(data.resolve("stats.json").toFile());
        long dropped = 0;
        for (JsonNode stage : stats.get("stages")) {
            for (JsonNode n : stage.get("dropped")) {
                dropped += Math.min(n.asLong(), 20);   // report.dropped-sample-size
            }
        }
        JsonNode sample = inspect("parquet", "--path", data.resolve("dropped-sample").toString(), "--per", "reason",
                "--limit", "1", "--max-chars", "22");
        assertEquals(2, dropped, "the two copies of the speech");
        assertEquals(dropped, sample.get("rows_total").asLong());
        assertEquals(1, sample.get("rows").size(), "one per reason: only exact duplicates were dropped");
        JsonNode row = sample.get("rows").get(0);
        assertEquals("dedup:exact-duplicate", row.get("reason").asText());
        assertEquals("FIRST WATCHMAN:\nStand,", row.get("text").asText(), "cut to --max-chars");
    }

    @Test
    void parquetRowsOfTheShardsAreTheManifestsWindows() throws IOException {
        JsonNode shards = inspect("parquet", "--path", data.resolve(ShardManifest.TRAIN).toString(), "--limit", "3");
        assertEquals(manifest.split(ShardManifest.TRAIN).sequences(), shards.get("rows_total").asLong());
        assertEquals(List.of(ShardManifest.COLUMN), JSON.convertValue(shards.get("columns"), List.class));
        assertEquals(3, shards.get("rows").size());
        for (JsonNode row : shards.get("rows")) {
            assertEquals(25, row.get(ShardManifest.COLUMN).size(), "context 24 + 1 ids a window");
        }
    }

    @Test
    void firstWindowsReadWithoutSparkAreTheShardsRowsInTheManifestsOrder() {
        ShardedCorpus corpus = ShardedCorpus.open(data.toString(), new Configuration());
        for (String split : List.of(ShardManifest.TRAIN, ShardManifest.VALIDATION)) {
            ShardManifest.SplitInfo info = manifest.split(split);
            assertTrue(info.files().size() > 1, split + ": " + info.files());
            // Spark SQL reading each shard alone, in the manifest's order, is the expected order.
            List<int[]> spark = new java.util.ArrayList<>();
            for (String f : info.files()) {
                for (org.apache.spark.sql.Row r : LocalSpark.get().read().parquet(data.resolve(split).resolve(f).toString()).collectAsList()) {
                    spark.add(r.getList(0).stream().mapToInt(x -> (Integer) x).toArray());
                }
            }
            assertEquals(info.sequences(), spark.size());
            for (int n : new int[] {3, spark.size() / 2, spark.size(), spark.size() + 10}) {
                List<int[]> ours = corpus.firstWindows(split, n, new Configuration());
                assertEquals(Math.min(n, spark.size()), ours.size());
                for (int i = 0; i < ours.size(); i++) {
                    org.junit.jupiter.api.Assertions.assertArrayEquals(spark.get(i), ours.get(i), split + " window " + i);
                }
            }
        }
    }

    @Test
    void aDirectoryThatIsNoPreprocessingOutputIsNamedWithExitCode2() {
        Outcome o = execute("tokenizer", "--data", run.toString());
        assertEquals(CommandLineJobs.USAGE_ERROR, o.code());
        String message = o.err().trim();
        assertTrue(message.startsWith("error: no manifest.json in " + run) && message.contains("not a preprocessing output"), message);
    }

    @Test
    void theTokenizerReportCountsTheValidationTargetsTheManifestHolds() throws IOException {
        JsonNode report = inspect("tokenizer", "--data", data.toString(), "--top", "5");
        assertEquals("bpe", report.get("type").asText());
        assertEquals(manifest.tokenizer().vocabSize(), report.get("vocab_size").asInt());
        // 256 byte tokens + merges + <|endoftext|>.
        assertEquals(manifest.tokenizer().vocabSize() - 257, report.get("merges").asInt());
        assertEquals(5, report.get("first_merges").size());
        JsonNode v = report.get("validation");
        long windows = manifest.split(ShardManifest.VALIDATION).sequences();
        assertEquals(windows, v.get("windows").asLong());
        assertEquals(windows * 24, v.get("tokens").asLong(), "context targets per window");
        double bytesPerToken = v.get("bytes_per_token").asDouble();
        assertTrue(bytesPerToken > 1.5 && bytesPerToken < 4, "a 400-token BPE on English: " + bytesPerToken);
        assertTrue(v.get("gpt2_bytes_per_token").asDouble() > bytesPerToken, "GPT-2's 50k vocabulary cuts longer tokens");
        JsonNode longest = report.get("longest_tokens");
        assertTrue(longest.get(0).get("bytes").asInt() >= longest.get(4).get("bytes").asInt());
        assertTrue(!longest.get(0).get("text").asText().equals("<|endoftext|>"), "special tokens are not text");
    }

    @Test
    void perTokenLossesAddUpToDl4jsOwnScoreOfTheSameWindow() throws IOException {
        CheckpointStore.Checkpoint c = CheckpointStore.load(run.toString(), new Configuration());
        // A text of exactly `context` tokens: the scorer's window is [<|endoftext|>, its ids].
        int[] ids = c.tokenizer().encode("ROMEO:\nBut soft, what light through yonder window breaks? It is the east");
        int[] window = new int[25];
        window[0] = c.tokenizer().endOfTextId();
        System.arraycopy(ids, 0, window, 1, 24);
        String text = c.tokenizer().decode(java.util.Arrays.copyOfRange(window, 1, 25));

        JsonNode report = inspect("model", "--checkpoint", run.toString(), "--prompt", "ROMEO:", "--prompt", "",
                "--temperature", "0,1.0", "--max-tokens", "5", "--score", text);
        assertEquals(4, report.get("samples").size(), "2 prompts x 2 temperatures");
        assertEquals(4, report.get("state").get("step").asInt());
        JsonNode scored = report.get("scores").get(0);
        assertEquals(24, scored.get("tokens").size());
        StringBuilder joined = new StringBuilder();
        double sum = 0;
        for (JsonNode t : scored.get("tokens")) {
            joined.append(t.get("text").asText());
            sum += t.get("loss").asDouble();
        }
        assertEquals(text, joined.toString(), "the tokens spell the text");
        assertEquals(sum / 24, scored.get("loss").asDouble(), 1e-9);

        DataSet ds = SequenceBatches.toDataSet(List.of(window), c.tokenizer().vocabSize(),
                dev.sparklm.model.LanguageModels.outputFormat(c.network()));
        double dl4j = c.network().score(ds);   // DL4J's loss function: summed over time, one example
        assertEquals(dl4j, sum, 1e-3 * dl4j, "DL4J scores the window " + dl4j + ", the tokens add up to " + sum);
    }
}
