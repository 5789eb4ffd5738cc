package dev.sparklm.preprocess;

import dev.sparklm.io.LocalSpark;

import dev.sparklm.shards.ShardManifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparklm.io.JobConfigException;
import dev.sparklm.tokenizer.Tokenizer;
import dev.sparklm.tokenizer.TokenizerJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreprocessJobTest {
    static final Path CORPUS = Path.of("..", "data", "tinyshakespeare", "input.txt");

    @TempDir
    Path tmp;

    /** The first {@code chars} characters of Tiny Shakespeare, cut at a blank line. */
    static String shakespeareSlice(int chars) throws IOException {
        String all = Files.readString(CORPUS, StandardCharsets.UTF_8);
        return all.substring(0, all.lastIndexOf("\n\n", chars) + 1);
    }

    static final Path PROFILE = Path.of("..", "conf", "tinyshakespeare.conf");

    /** Tiny Shakespeare's settings (web-text filters off), as bin/quickstart runs them. */
    static PreprocessConfig config(Path input, Path output, Map<String, String> extra) {
        Map<String, String> o = new java.util.HashMap<>(extra);
        o.put("input", input.toString());
        o.put("output", output.toString());
        return PreprocessConfig.load(Optional.of(PROFILE.toFile()), o);
    }

    /** The speeches of a slice as the job sees them: normalized, non-empty, exact duplicates removed. */
    static Set<String> distinctSpeeches(String text) {
        dev.sparklm.preprocess.clean.TextNormalizer normalizer = new dev.sparklm.preprocess.clean.TextNormalizer(true, true, false);
        Set<String> docs = new java.util.LinkedHashSet<>();
        for (String block : text.split("\n\n")) {
            String doc = normalizer.normalize(block);
            if (!doc.isEmpty()) {
                docs.add(doc);
            }
        }
        return docs;
    }

    @Test
    void writesShardsTokenizerAndManifestThatAgree() throws IOException {
        String text = shakespeareSlice(120_000);
        Path input = Files.writeString(tmp.resolve("slice.txt"), text);
        Path output = tmp.resolve("data");
        SparkSession spark = LocalSpark.get();

        ShardManifest m = PreprocessJob.run(spark, config(input, output, Map.of("context", "32", "tokens-per-shard", "20000",
                "export.token-files", "true")));

        // The manifest on disk is the one returned, and it describes the files beside it.
        ShardManifest onDisk = ShardManifest.fromJson(Files.readString(output.resolve("manifest.json")), "manifest.json");
        assertEquals(m, onDisk);
        Tokenizer tokenizer = TokenizerJson.read(Files.readString(output.resolve("tokenizer.json")), "tokenizer.json");
        assertEquals(m.tokenizer().fingerprint(), tokenizer.fingerprint());
        assertEquals(tokenizer.vocabSize(), m.tokenizer().vocabSize());

        // Every speech is a record; a repeated speech (speaker and words) would be kept once; the
        // split is about 85/10/5 (train/validation/test, the defaults) and covers all of them.
        long speeches = java.util.Arrays.stream(text.split("\n\n")).filter(s -> !s.isBlank()).count();
        long distinct = distinctSpeeches(text).size();
        assertTrue(distinct <= speeches && distinct > speeches * 0.8, distinct + " of " + speeches);
        long train = m.split("train").documents();
        long val = m.split("validation").documents();
        long test = m.split("test").documents();
        assertEquals(distinct, train + val + test);
        assertEquals(speeches, m.documentsRead());
        assertEquals(speeches - distinct, m.documentsDropped());
        assertTrue(val > speeches * 0.05 && val < speeches * 0.15, "validation share " + val + "/" + speeches);
        assertTrue(test > speeches * 0.02 && test < speeches * 0.08, "test share " + test + "/" + speeches);

        // Tokens: every character plus one end-of-text per document; the character
        // tokenizer sees 1 id per char. Windows cover tokens - 1 targets, minus the dropped tail.
        for (String split : List.of("train", "validation", "test")) {
            ShardManifest.SplitInfo s = m.split(split);
            Dataset<Row> rows = spark.read().parquet(output.resolve(split).toString());
            assertEquals("input_ids", rows.schema().fields()[0].name());
            assertEquals("array<int>", rows.schema().fields()[0].dataType().simpleString());
            assertEquals(s.sequences(), rows.count());
            assertEquals(s.files().size(), Files.list(output.resolve(split)).filter(p -> p.toString().endsWith(".parquet")).count());
            assertEquals(s.tokens() - 1, s.sequences() * 32 + s.droppedTailTokens(), split + " ids are all accounted for");
            // nanoGPT's flat file: little-endian uint16 ids (as chars, so a window is a substring),
            // every shard window a piece of it, no id invented.
            byte[] bin = Files.readAllBytes(output.resolve(TokenFiles.fileName(split)));
            StringBuilder stream = new StringBuilder();
            for (int i = 0; i < bin.length; i += 2) {
                stream.append((char) ((bin[i] & 0xFF) | (bin[i + 1] & 0xFF) << 8));
            }
            assertTrue(stream.length() >= s.sequences() * 32 + 1 && stream.length() <= s.tokens(), "ids in " + split + ".bin");
            for (Row r : rows.collectAsList()) {
                List<Integer> ids = r.getList(0);
                assertEquals(33, ids.size());
                StringBuilder window = new StringBuilder();
                for (int id : ids) {
                    assertTrue(id >= 0 && id < tokenizer.vocabSize());
                    window.append((char) id);
                }
                assertTrue(stream.indexOf(window.toString()) >= 0, "a window of the shards is in " + split + ".bin");
            }
        }
        long chars = text.length() - text.split("\n\n+").length + 0L; // not exact: separators vary
        assertTrue(m.split("train").tokens() + m.split("validation").tokens() + m.split("test").tokens() > chars * 0.9);
        long trainTargets = m.split("train").sequences() * 32;
        assertEquals((trainTargets + 19_999) / 20_000, m.split("train").files().size(), "shards of about 20,000 tokens");

        // Decoding the shards gives back the documents' text.
        Row first = spark.read().parquet(output.resolve("validation").toString()).first();
        String decoded = tokenizer.decode(first.<Integer>getList(0).stream().mapToInt(Integer::intValue).toArray());
        for (String piece : decoded.split(java.util.regex.Pattern.quote(Tokenizer.END_OF_TEXT))) {
            assertTrue(text.contains(piece), "shard text comes from the corpus: " + piece);
        }
    }

    @Test
    void bpeTokenizerIsTrainedFromExecutorCountsExactlyAsLocally() throws IOException {
        String text = shakespeareSlice(150_000);
        Path input = Files.writeString(tmp.resolve("slice.txt"), text);
        Path output = tmp.resolve("bpe");
        SparkSession spark = LocalSpark.get();
        ShardManifest m = PreprocessJob.run(spark, config(input, output, Map.of(
                "tokenizer.type", "bpe", "tokenizer.bpe.vocab-size", "600", "context", "32",
                "split.validation-fraction", "0", "split.test-fraction", "0")));

        Tokenizer tokenizer = TokenizerJson.read(Files.readString(output.resolve("tokenizer.json")), "tokenizer.json");
        assertTrue(tokenizer instanceof dev.sparklm.tokenizer.ByteLevelBpeTokenizer);
        assertEquals("bpe", m.tokenizer().type());
        assertEquals(600, m.tokenizer().vocabSize());
        assertEquals(599, m.tokenizer().endOfTextId());

        // The same documents (all in train here) counted on one machine give the same merges.
        List<String> train = new java.util.ArrayList<>(distinctSpeeches(text));
        Map<String, Long> counts = dev.sparklm.tokenizer.BpeTrainer.countChunks(train, dev.sparklm.tokenizer.PreTokenizer.GPT2);
        assertEquals(counts.size(), m.tokenizer().trainingChunks(), "distinct chunks reported");
        var local = dev.sparklm.tokenizer.BpeTrainer.train(counts, new dev.sparklm.tokenizer.BpeTrainer.Options(600, 2,
                List.of(Tokenizer.END_OF_TEXT), dev.sparklm.tokenizer.PreTokenizer.GPT2));
        assertEquals(local.fingerprint(), tokenizer.fingerprint());

        // Shards hold BPE ids that decode back to the corpus text.
        Row first = spark.read().parquet(output.resolve("train").toString()).first();
        String decoded = tokenizer.decode(first.<Integer>getList(0).stream().mapToInt(Integer::intValue).toArray());
        for (String piece : decoded.split(java.util.regex.Pattern.quote(Tokenizer.END_OF_TEXT))) {
            assertTrue(text.contains(piece.strip()), "shard text comes from the corpus: " + piece);
        }
        assertTrue(m.split("train").tokens() < text.length() * 0.6, "BPE compresses: " + m.split("train").tokens());
    }

    /**
     * max-chunks bounds what reaches the driver: the job raises the count floor to the lowest
     * that lets at most that many chunks through, and the merges are the ones learned locally
     * from exactly the chunks at or above it.
     */
    @Test
    void maxChunksRaisesTheCountFloorToTheLowestThatFits() throws IOException {
        String text = shakespeareSlice(150_000);
        Path input = Files.writeString(tmp.resolve("slice.txt"), text);
        Path output = tmp.resolve("bounded");
        ShardManifest m = PreprocessJob.run(LocalSpark.get(), config(input, output, Map.of(
                "tokenizer.type", "bpe", "tokenizer.bpe.vocab-size", "600", "tokenizer.bpe.max-chunks", "1000",
                "context", "32", "split.validation-fraction", "0", "split.test-fraction", "0")));

        Map<String, Long> all = dev.sparklm.tokenizer.BpeTrainer.countChunks(
                new java.util.ArrayList<>(distinctSpeeches(text)), dev.sparklm.tokenizer.PreTokenizer.GPT2);
        assertTrue(all.size() > 2000, "the slice has more chunks than the bound: " + all.size());
        long floor = m.tokenizer().minChunkCount();
        Map<String, Long> through = new java.util.HashMap<>(all);
        through.values().removeIf(c -> c < floor);
        assertEquals(through.size(), m.tokenizer().trainingChunks());
        assertTrue(through.size() <= 1000, through.size() + " chunks reached the driver");
        assertTrue(all.values().stream().filter(c -> c >= floor - 1).count() > 1000, "a lower floor would fit too");
        var local = dev.sparklm.tokenizer.BpeTrainer.train(through, new dev.sparklm.tokenizer.BpeTrainer.Options(600, 2,
                List.of(Tokenizer.END_OF_TEXT), dev.sparklm.tokenizer.PreTokenizer.GPT2));
        Tokenizer trained = TokenizerJson.read(Files.readString(output.resolve("tokenizer.json")), "tokenizer.json");
        assertEquals(local.fingerprint(), trained.fingerprint());
    }

    /**
     * A task that dies on its first attempt and succeeds on the second leaves every count in
     * manifest.json and stats.json as a run without the failure has them: counts come from
     * Spark accumulators of completed task attempts only, read before any later job could
     * recompute a partition.
     */
    @Test
    void countsStayExactWhenATaskFailsAndIsRetried() throws IOException {
        String text = shakespeareSlice(80_000);
        Path dir = Files.createDirectories(tmp.resolve("parts"));
        String[] blocks = text.split("\n\n");
        for (int part = 0; part < 4; part++) {
            StringBuilder b = new StringBuilder();
            for (int i = part; i < blocks.length; i += 4) {
                b.append(blocks[i]).append("\n\n");
            }
            Files.writeString(dir.resolve(part == 2 ? "part-2-fail-once.txt" : "part-" + part + ".txt"), b.toString());
        }
        SparkSession shared = LocalSpark.get();
        ShardManifest clean = PreprocessJob.run(shared, config(dir, tmp.resolve("clean"), Map.of("context", "32")));
        shared.stop();
        // local[2,2]: a failed task is tried once more (local[2] fails the job at once).
        SparkSession retrying = SparkSession.builder().master("local[2,2]").appName("sparklm-retry-test")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate();
        ShardManifest flaky;
        try {
            retrying.sparkContext().hadoopConfiguration().set("fs.file.impl", FlakyFileSystem.class.getName());
            retrying.sparkContext().hadoopConfiguration().setBoolean("fs.file.impl.disable.cache", true);
            flaky = PreprocessJob.run(retrying, config(dir, tmp.resolve("flaky"), Map.of("context", "32")));
        } finally {
            retrying.stop();
        }
        assertEquals(1, FlakyFileSystem.FAILED.size(), "one task attempt was killed: " + FlakyFileSystem.FAILED);

        assertEquals(clean.documentsRead(), flaky.documentsRead());
        assertEquals(clean.documentsDropped(), flaky.documentsDropped());
        for (String split : List.of("train", "validation")) {
            ShardManifest.SplitInfo a = clean.split(split);
            ShardManifest.SplitInfo b = flaky.split(split);
            assertEquals(List.of(a.documents(), a.tokens(), a.sequences(), a.droppedTailTokens(), (long) a.files().size()),
                    List.of(b.documents(), b.tokens(), b.sequences(), b.droppedTailTokens(), (long) b.files().size()), split);
        }
        assertEquals(clean.tokenizer(), flaky.tokenizer());
        assertEquals(countsOf(tmp.resolve("clean/stats.json")), countsOf(tmp.resolve("flaky/stats.json")));
    }

    /** stats.json without its timings, memory figures, input path and shard file names. */
    private static com.fasterxml.jackson.databind.JsonNode countsOf(Path stats) throws IOException {
        com.fasterxml.jackson.databind.JsonNode root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(stats.toFile());
        List<com.fasterxml.jackson.databind.JsonNode> nodes = new java.util.ArrayList<>(List.of(root));
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i) instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
                o.remove(List.of("input", "phase_seconds", "peak_memory_bytes", "cpu_seconds", "wall_seconds", "files"));
                o.properties().removeIf(e -> e.getKey().endsWith(DocumentPipeline.CPU_NANOS));
            }
            nodes.get(i).elements().forEachRemaining(nodes::add);
        }
        assertTrue(root.path("stages").size() > 3, "stats.json has stage counts: " + stats);
        return root;
    }

    /**
     * The output is replaced whole when the job succeeds, so what is not an earlier output is
     * refused before any work, and left as it was: a file, a directory of other data, an input
     * inside the output, an output inside the input (read as input by the next run).
     */
    @Test
    void anOutputThatIsNotAnEarlierOutputIsRefusedAndLeftAlone() throws IOException {
        Path input = Files.writeString(tmp.resolve("in.txt"), shakespeareSlice(20_000));
        Path file = Files.writeString(tmp.resolve("notes.txt"), "keep me");
        Path foreign = Files.createDirectories(tmp.resolve("photos"));
        Files.writeString(foreign.resolve("a.jpg"), "keep me too");
        Path corpus = Files.createDirectories(tmp.resolve("corpus"));
        Files.copy(input, corpus.resolve("part.txt"));
        String[][] cases = {
            {file.toString(), input.toString(), "preprocess.output " + file.toUri().toString().replace("file:///", "file:/") + " is a file"},
            {foreign.toString(), input.toString(), "is a directory that is not an output of this job (no manifest.json; it holds 1 entry: a.jpg)"},
            {corpus.toString(), corpus.resolve("part.txt").toString(), "preprocess.input file:" + corpus.resolve("part.txt") + " is inside preprocess.output"},
            {corpus.resolve("out").toString(), corpus.toString(), "preprocess.output file:" + corpus.resolve("out") + " is inside preprocess.input"},
        };
        for (String[] c : cases) {
            JobConfigException e = assertThrows(JobConfigException.class,
                    () -> PreprocessJob.run(LocalSpark.get(), config(Path.of(c[1]), Path.of(c[0]), Map.of())), c[0]);
            assertTrue(e.getMessage().contains(c[2]), e.getMessage());
        }
        // A held-out input that is (inside) the input: its documents would be in train and validation both.
        for (String held : List.of(corpus.toString(), corpus.resolve("part.txt").toString())) {
            JobConfigException e = assertThrows(JobConfigException.class, () -> PreprocessJob.run(LocalSpark.get(),
                    config(corpus, tmp.resolve("held"), Map.of("split.validation-input", held))), held);
            assertTrue(e.getMessage().startsWith("preprocess.split.validation-input file:" + held + " overlaps preprocess.input"),
                    e.getMessage());
        }
        assertEquals("keep me", Files.readString(file));
        assertEquals("keep me too", Files.readString(foreign.resolve("a.jpg")));
        assertTrue(Files.exists(corpus.resolve("part.txt")));
        assertTrue(!Files.exists(corpus.resolve("out")));

        // An empty directory, then that earlier output, are written (replaced).
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        PreprocessJob.run(LocalSpark.get(), config(input, empty, Map.of("context", "16")));
        ShardManifest again = PreprocessJob.run(LocalSpark.get(), config(input, empty, Map.of("context", "16")));
        Path manifest = empty.resolve(ShardManifest.FILE_NAME);
        assertEquals(again.createdAt(), ShardManifest.fromJson(Files.readString(manifest), manifest.toString()).createdAt());
    }

    @Test
    void aFixedValidationInputGoesWholeToValidation() throws IOException {
        String text = shakespeareSlice(60_000);
        int cut = text.lastIndexOf("\n\n", 50_000);
        Path train = Files.writeString(tmp.resolve("train.txt"), text.substring(0, cut));
        Path val = Files.writeString(tmp.resolve("val.txt"), text.substring(cut + 2));
        ShardManifest m = PreprocessJob.run(LocalSpark.get(), config(train, tmp.resolve("fixed"), Map.of(
                "input-format", "file", "split.validation-fraction", "0", "split.test-fraction", "0", "split.validation-input", val.toString(),
                "context", "16")));
        assertEquals(1, m.split("train").documents());
        assertEquals(1, m.split("validation").documents());
        assertEquals(cut + 1, m.split("train").tokens(), "the whole first part, blank lines kept, plus one end-of-text");
    }

    /**
     * Three splits: every kept document in exactly one, the test share near test-fraction, and a
     * fixed test input whole in test beside the share of the input.
     */
    @Test
    void aTestSplitHoldsItsShareAndTheTestInputAndNoDocumentIsInTwoSplits() throws IOException {
        String text = shakespeareSlice(120_000);
        int cut = text.lastIndexOf("\n\n", 100_000);
        Path input = Files.writeString(tmp.resolve("slice.txt"), text.substring(0, cut));
        Path heldOut = Files.writeString(tmp.resolve("held-out.txt"), text.substring(cut + 2));
        SparkSession spark = LocalSpark.get();
        Path out = tmp.resolve("three");
        ShardManifest m = PreprocessJob.run(spark, config(input, out, Map.of("context", "16", "export.token-files", "true",
                "split.validation-fraction", "0.1", "split.test-fraction", "0.2")));
        assertEquals(Set.of("train", "validation", "test"), m.splits().keySet());
        Map<String, Set<String>> docs = new java.util.LinkedHashMap<>();
        for (String file : List.of("train.bin", "val.bin", "test.bin")) {
            docs.put(file, documents(out, file));
        }
        Set<String> speeches = distinctSpeeches(text.substring(0, cut));
        long total = m.splits().values().stream().mapToLong(ShardManifest.SplitInfo::documents).sum();
        assertEquals(speeches.size(), total, "every kept speech is in one split");
        Set<String> union = new HashSet<>();
        docs.values().forEach(d -> union.addAll(d));
        assertEquals(docs.values().stream().mapToInt(Set::size).sum(), union.size(), "no document in two splits");
        // Binomial(n, 0.2): 4 standard deviations either side.
        double n = total;
        double sd = Math.sqrt(n * 0.2 * 0.8);
        long test = m.split("test").documents();
        assertTrue(Math.abs(test - 0.2 * n) < 4 * sd, test + " test documents of " + total);
        assertTrue(Math.abs(m.split("validation").documents() - 0.1 * n) < 4 * Math.sqrt(n * 0.1 * 0.9));

        // A test input: its speeches all in test, the input's split as before.
        Path fixed = tmp.resolve("fixed-test");
        ShardManifest f = PreprocessJob.run(spark, config(input, fixed, Map.of("context", "16", "export.token-files", "true",
                "split.validation-fraction", "0.1", "split.test-fraction", "0.2", "split.test-input", heldOut.toString())));
        Set<String> heldOutSpeeches = distinctSpeeches(text.substring(cut + 2));
        heldOutSpeeches.removeAll(speeches);   // exact duplicates of the input's are removed
        assertEquals(test + heldOutSpeeches.size(), f.split("test").documents());
        assertEquals(m.split("train").documents(), f.split("train").documents());
        Set<String> fixedTest = documents(fixed, "test.bin");
        assertTrue(fixedTest.containsAll(docs.get("test.bin")), "the input's test documents stay in test");
        assertEquals(docs.get("val.bin"), documents(fixed, "val.bin"));
    }

    @Test
    void splitIsDeterministicAndNoDocumentIsInBoth() throws IOException {
        Path input = Files.writeString(tmp.resolve("slice.txt"), shakespeareSlice(60_000));
        SparkSession spark = LocalSpark.get();
        PreprocessJob.run(spark, config(input, tmp.resolve("a"), Map.of("context", "16")));
        PreprocessJob.run(spark, config(input, tmp.resolve("b"), Map.of("context", "16")));
        for (String split : List.of("train", "validation")) {
            Set<String> a = decodedWindows(spark, tmp.resolve("a"), split);
            Set<String> b = decodedWindows(spark, tmp.resolve("b"), split);
            assertEquals(a, b, split + " is the same in two runs");
        }
        SplitAssigner s = new SplitAssigner(0.1, 0.0, 42);
        assertEquals(s.splitOf("same id"), s.splitOf("same id"));
    }

    /** The dropped-document sample: each reason's n smallest keys, picked per partition first. */
    @Test
    void theSampleOfEachReasonIsItsSmallestKeysWhateverThePartitioning() {
        SparkSession spark = LocalSpark.get();
        java.util.Random r = new java.util.Random(9);
        List<scala.Tuple2<String, Long>> rows = new java.util.ArrayList<>();
        Map<String, java.util.TreeSet<Long>> byReason = new java.util.HashMap<>();
        for (int i = 0; i < 5_000; i++) {
            String reason = "stage:reason-" + (i % 7 == 0 ? "rare" : i % 2 == 0 ? "a" : "b");
            long key = r.nextLong();
            rows.add(new scala.Tuple2<>(reason, key));
            byReason.computeIfAbsent(reason, k -> new java.util.TreeSet<>()).add(key);
        }
        Map<Long, String> expected = new HashMap<>();
        byReason.forEach((reason, keys) -> keys.stream().limit(20).forEach(k -> expected.put(k, reason)));
        for (int partitions : new int[] {1, 8}) {
            var input = org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext())
                    .parallelizePairs(rows, partitions);
            Map<Long, String> chosen = PreprocessJob.firstKeysPerReason(input, 20);
            assertEquals(3 * 20, chosen.size());
            assertEquals(expected, chosen, partitions + " partitions");
        }
    }

    /**
     * dropped-sample/ through the whole job: the 3 smallest keys of each reason among 300 files
     * read in 8 partitions, a filter's drops (whose text the cache no longer holds) and dedup's,
     * with the start of their text.
     */
    @Test
    void droppedSampleHoldsEachReasonsSmallestKeysAcrossPartitions() throws IOException {
        Path in = Files.createDirectories(tmp.resolve("many"));
        java.util.Random r = new java.util.Random(8);
        Map<String, String> reasonOf = new HashMap<>();   // file name -> reason, for the dropped
        Map<String, String> textOf = new HashMap<>();
        String previous = null;
        for (int i = 0; i < 300; i++) {
            String name = String.format("doc-%03d.txt", i);
            String text;
            if (i % 3 == 0) {
                text = "tiny " + i;
                reasonOf.put(name, "length:too-short");
            } else if (i % 3 == 1) {
                StringBuilder b = new StringBuilder("Document " + i + " is about");
                for (int w = 0; w < 40; w++) {
                    b.append(" word").append(r.nextInt(100_000));
                }
                text = b.append('.').toString();
            } else {
                text = previous;   // an exact copy of the one before: the larger key of the two goes
            }
            Files.writeString(in.resolve(name), text);
            textOf.put(name, text);
            previous = text;
        }
        Path out = tmp.resolve("out");
        PreprocessJob.run(LocalSpark.get(), config(in, out, Map.of("input-format", "file", "filters.min-document-chars", "40",
                "dedup.near.enabled", "false", "report.dropped-sample-size", "3", "split.validation-fraction", "0.2")));

        List<Row> sample = LocalSpark.get().read().parquet(out.resolve("dropped-sample").toString()).collectAsList();
        String someSource = sample.get(0).getAs("source");
        String prefix = someSource.substring(0, someSource.lastIndexOf('/') + 1);
        for (int i = 2; i < 300; i += 3) {   // of each pair of copies, the one with the larger key goes
            String a = String.format("doc-%03d.txt", i - 1);
            String b = String.format("doc-%03d.txt", i);
            boolean firstGoes = Document.keyOf(prefix + a, 0) > Document.keyOf(prefix + b, 0);
            reasonOf.put(firstGoes ? a : b, "dedup:exact-duplicate");
        }
        Map<String, java.util.TreeMap<Long, String>> byReason = new java.util.TreeMap<>();
        reasonOf.forEach((name, reason) -> byReason.computeIfAbsent(reason, x -> new java.util.TreeMap<>())
                .put(Document.keyOf(prefix + name, 0), name));
        Map<String, String> expected = new java.util.TreeMap<>();   // file name -> reason
        byReason.forEach((reason, keys) -> keys.values().stream().limit(3).forEach(name -> expected.put(name, reason)));

        Map<String, String> got = new java.util.TreeMap<>();
        for (Row row : sample) {
            String name = row.<String>getAs("source").substring(prefix.length());
            got.put(name, row.getAs("reason"));
            assertEquals(textOf.get(name), row.getAs("text"), name);
        }
        assertEquals(6, sample.size());
        assertEquals(expected, got);
    }

    /**
     * Dedup's drops applied to the documents: broadcast (a few) or joined by key (many), the same
     * survivors, in the broadcast case in their partitions' order; the counts per reason move
     * dedup's drops out of "kept".
     */
    @Test
    void dedupDropsLeaveTheSameSurvivorsBroadcastOrJoined() {
        SparkSession spark = LocalSpark.get();
        var sc = org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext());
        java.util.Random r = new java.util.Random(11);
        List<Document> docs = new java.util.ArrayList<>();
        List<scala.Tuple2<Long, String>> drops = new java.util.ArrayList<>();
        List<Long> expected = new java.util.ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            Document d = Document.of(null, "file-" + (i % 5), i, "text " + i);
            if (i % 10 == 3) {
                d.dropBy("c4", "curly-brace");
            } else if (i % 7 == 1) {
                drops.add(new scala.Tuple2<>(d.getKey(), i % 2 == 0 ? "dedup:exact-duplicate" : "dedup:near-duplicate"));
            } else {
                expected.add(d.getKey());
            }
            docs.add(d);
        }
        var processed = sc.parallelize(docs, 6);
        var dropped = sc.parallelizePairs(drops, 3);
        List<Long> broadcast = PreprocessJob.survivors(processed, dropped, drops.size(), drops.size())
                .map(Document::getKey).collect();
        List<Long> joined = PreprocessJob.survivors(processed, dropped, drops.size(), drops.size() - 1)
                .map(Document::getKey).collect();
        assertEquals(expected, broadcast);
        assertEquals(new java.util.TreeSet<>(expected), new java.util.TreeSet<>(joined));
        assertEquals(expected.size(), joined.size());

        long exact = drops.stream().filter(t -> t._2().contains("exact")).count();
        long near = drops.size() - exact;
        Map<String, Long> counts = PreprocessJob.countByReason(
                Map.of(PreprocessJob.KEPT, (long) expected.size() + drops.size(), "c4:curly-brace", 300L),
                Map.of("dedup:exact-duplicate", exact, "dedup:near-duplicate", near));
        assertEquals(Map.of(PreprocessJob.KEPT, (long) expected.size(), "c4:curly-brace", 300L,
                "dedup:exact-duplicate", exact, "dedup:near-duplicate", near), counts);
    }

    /**
     * The same documents from another directory and file name, with another file added: every
     * document keeps its split (a split by file and offset would move about half of them).
     */
    @Test
    void aMovedCorpusWithFilesAddedKeepsEveryDocumentsSplit() throws IOException {
        String all = Files.readString(CORPUS, StandardCharsets.UTF_8);
        String first = shakespeareSlice(60_000);
        Path here = Files.createDirectories(tmp.resolve("here"));
        Files.writeString(here.resolve("slice.txt"), first);
        Path there = Files.createDirectories(tmp.resolve("moved").resolve("elsewhere"));
        Files.writeString(there.resolve("b-renamed.txt"), first);
        Files.writeString(there.resolve("a-added.txt"), all.substring(first.length(), all.lastIndexOf("\n\n", 100_000)));
        SparkSession spark = LocalSpark.get();
        Map<String, String> exportIds = Map.of("context", "16", "export.token-files", "true");
        PreprocessJob.run(spark, config(here.resolve("slice.txt"), tmp.resolve("a"), exportIds));
        PreprocessJob.run(spark, config(there, tmp.resolve("b"), exportIds));
        for (String file : List.of("train.bin", "val.bin")) {
            Set<String> before = documents(tmp.resolve("a"), file);
            Set<String> after = documents(tmp.resolve("b"), file);
            assertTrue(before.size() > 10, file + ": " + before.size());
            Set<String> moved = new HashSet<>(before);
            moved.removeAll(after);
            assertEquals(Set.of(), moved, file + ": documents that changed split");
            assertTrue(after.size() > before.size(), "the added file's documents joined " + file);
        }
    }

    /**
     * The documents of a split, from its nanoGPT token file (documents joined by <|endoftext|>),
     * without the last one when packing cut its tail off.
     */
    static Set<String> documents(Path out, String file) throws IOException {
        dev.sparklm.tokenizer.Tokenizer tokenizer = dev.sparklm.tokenizer.TokenizerJson.read(
                Files.readString(out.resolve("tokenizer.json")), "tokenizer.json");
        java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap(Files.readAllBytes(out.resolve(file)))
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int[] ids = new int[bytes.remaining() / 2];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = Short.toUnsignedInt(bytes.getShort());
        }
        Set<String> docs = new HashSet<>();
        int from = 0;
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] == tokenizer.endOfTextId()) {
                if (i > from) {
                    docs.add(tokenizer.decode(java.util.Arrays.copyOfRange(ids, from, i)));
                }
                from = i + 1;
            }
        }
        return docs;
    }

    Set<String> decodedWindows(SparkSession spark, Path out, String split) {
        Set<String> all = new HashSet<>();
        for (Row r : spark.read().parquet(out.resolve(split).toString()).collectAsList()) {
            all.add(r.getList(0).toString());
        }
        return all;
    }

    @Test
    void rerunReplacesOutputAndFailedRunLeavesItIntact() throws IOException {
        Path input = Files.writeString(tmp.resolve("slice.txt"), shakespeareSlice(30_000));
        Path output = tmp.resolve("data");
        SparkSession spark = LocalSpark.get();
        PreprocessJob.run(spark, config(input, output, Map.of("context", "16")));
        String manifest = Files.readString(output.resolve("manifest.json"));

        // A run that fails (no documents survive the length filter) leaves the output as it was.
        assertThrows(JobConfigException.class,
                () -> PreprocessJob.run(spark, config(input, output, Map.of("filters.min-document-chars", "100000000"))));
        assertEquals(manifest, Files.readString(output.resolve("manifest.json")));
        try (var siblings = Files.list(tmp)) {
            assertFalse(siblings.anyMatch(p -> p.getFileName().toString().contains("staging")), "staging removed");
        }

        // A successful rerun replaces it whole.
        PreprocessJob.run(spark, config(input, output, Map.of("context", "8")));
        assertEquals(8, ShardManifest.fromJson(Files.readString(output.resolve("manifest.json")), "m").context());
    }

    @Test
    void missingOrEmptyInputFailsBeforeAnyWork() throws IOException {
        SparkSession spark = LocalSpark.get();
        JobConfigException missing = assertThrows(JobConfigException.class,
                () -> PreprocessJob.run(spark, config(tmp.resolve("nope/*.txt"), tmp.resolve("o"), Map.of())));
        assertTrue(missing.getMessage().contains("input not found") && missing.getMessage().contains("nope"), missing.getMessage());

        Path empty = Files.writeString(tmp.resolve("empty.txt"), "");
        JobConfigException e = assertThrows(JobConfigException.class,
                () -> PreprocessJob.run(spark, config(empty, tmp.resolve("o"), Map.of())));
        assertTrue(e.getMessage().contains("input is empty"), e.getMessage());

        Path blank = Files.writeString(tmp.resolve("blank.txt"), "\n\n  \n\n\t\n");
        JobConfigException noDocs = assertThrows(JobConfigException.class,
                () -> PreprocessJob.run(spark, config(blank, tmp.resolve("o"), Map.of())));
        assertTrue(noDocs.getMessage().contains("no documents left"), noDocs.getMessage());
        assertFalse(Files.exists(tmp.resolve("o")));
    }
}
