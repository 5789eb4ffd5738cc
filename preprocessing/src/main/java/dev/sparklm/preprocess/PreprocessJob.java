package dev.sparklm.preprocess;

import dev.sparklm.shards.ShardManifest;

import dev.sparklm.io.CommandLineJobs;
import dev.sparklm.io.HadoopFiles;
import dev.sparklm.io.JobConfigException;
import dev.sparklm.io.JobOptions;
import dev.sparklm.io.PeakMemory;
import dev.sparklm.io.SparkSessions;
import dev.sparklm.io.StageProgressLogger;
import dev.sparklm.io.StagedOutputDirectory;
import dev.sparklm.shards.ShardManifest.SplitInfo;
import dev.sparklm.shards.ShardManifest.TokenizerInfo;
import dev.sparklm.preprocess.ParquetOutput.Field;
import dev.sparklm.preprocess.dedup.Deduplication;
import dev.sparklm.preprocess.filter.LanguageFilter;
import dev.sparklm.preprocess.read.DocumentReader;
import dev.sparklm.preprocess.read.InputListing;
import dev.sparklm.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.schema.MessageType;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import scala.Tuple2;

/**
 * The preprocessing job: read -> clean and filter (one pass of {@link DocumentStage}s) ->
 * deduplicate -> train/validation(/test) split -> tokenizer (trained on train) -> packed windows
 * of context + 1 ids -> Parquet shards, the tokenizer file, {@code stats.json}, quarantine/ and
 * dropped-sample/ tables and {@code manifest.json}, all published atomically in one directory.
 */
@Command(name = "preprocess", mixinStandardHelpOptions = true, version = CommandLineJobs.VERSION, sortOptions = false,
        description = {"Turns a text corpus into tokenized, packed Parquet shards for the training job.",
                "Defaults: conf/preprocess.conf (bundled Tiny Shakespeare -> out/data)."})
public final class PreprocessJob implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(PreprocessJob.class);
    static final String KEPT = "kept";
    static final String QUARANTINE = Document.QUARANTINE;
    static final String QUARANTINE_DIR = "quarantine";
    static final String SAMPLE_DIR = "dropped-sample";
    static final int SAMPLE_CHARS = 2000;
    public static final String TOKENIZER_FILE = "tokenizer.json";

    @Mixin
    JobOptions options = new JobOptions();

    @Option(names = "--input", paramLabel = "PATH", description = "input file, directory or glob (preprocess.input)")
    String input;

    @Option(names = "--output", paramLabel = "DIR", description = "output directory (preprocess.output)")
    String output;

    public static void main(String[] args) {
        System.exit(CommandLineJobs.execute(new PreprocessJob(), args));
    }

    @Override
    public Integer call() {
        Map<String, String> shorthands = new LinkedHashMap<>();
        shorthands.put("input", input);
        shorthands.put("output", output);
        PreprocessConfig cfg = PreprocessConfig.load(options.configFile(), options.overrides(shorthands));
        if (SparkSessions.startsLocal() && cfg.stages().stream().anyMatch(s -> s instanceof LanguageFilter)) {
            LanguageFilter.preload();   // this JVM runs the tasks: load the model while Spark starts
        }
        SparkSession spark = SparkSessions.getOrCreate("sparklm-preprocess");
        spark.sparkContext().addSparkListener(new StageProgressLogger(10_000));
        try {
            ShardManifest m = run(spark, cfg);
            StringBuilder summary = new StringBuilder(String.format("preprocess: %s -> %s%n", cfg.input(), cfg.output()));
            m.splits().forEach((name, split) -> summary.append(String.format("  %s: %,d documents, %,d tokens, %,d sequences%n",
                    name, split.documents(), split.tokens(), split.sequences())));
            summary.append(String.format("  tokenizer: %s, vocab %d%n", m.tokenizer().type(), m.tokenizer().vocabSize()));
            System.out.print(summary);
            return 0;
        } finally {
            spark.stop();
        }
    }

    /** Runs the whole job and publishes its output; returns the manifest written. */
    public static ShardManifest run(SparkSession spark, PreprocessConfig cfg) {
        long start = System.nanoTime();
        LOG.info("preprocess configuration:\n{}", cfg.rendered());
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        refuseOverlaps(cfg, hadoop);
        InputListing listing = InputListing.of(cfg.input(), "preprocess.input", hadoop);
        LOG.info("input {} ({}): {} file(s), {} bytes", cfg.input(), cfg.inputFormat(), listing.files(), listing.bytes());
        // Held-out inputs (split.validation-input, split.test-input): their documents all go to that split.
        Map<String, InputListing> heldOut = new LinkedHashMap<>();
        long heldOutBytes = 0;
        for (var e : cfg.split().heldOutInputs().entrySet()) {
            InputListing held = InputListing.of(e.getValue(), "preprocess.split." + e.getKey() + "-input", hadoop);
            LOG.info("{} input {}: {} file(s), {} bytes", e.getKey(), e.getValue(), held.files(), held.bytes());
            heldOut.put(e.getKey(), held);
            heldOutBytes += held.bytes();
        }
        LOG.info("stages: {}", cfg.stages().stream().map(DocumentStage::name).toList());
        int partitions = shufflePartitions(JavaSparkContext.fromSparkContext(spark.sparkContext()), listing.bytes() + heldOutBytes);

        StagedOutputDirectory out = new StagedOutputDirectory(new Path(cfg.output()), ShardManifest.FILE_NAME,
                "preprocess.output", hadoop);
        try {
            ShardManifest manifest = new Run(spark, cfg, listing, heldOut, partitions, out.staging()).write();
            out.publish();
            LOG.info("published {} in {} s", out.target(), (System.nanoTime() - start) / 1_000_000_000L);
            return manifest;
        } catch (RuntimeException e) {
            out.abort();
            throw e;
        }
    }

    /**
     * Inputs and output that overlap, refused before any work. The job replaces its output whole:
     * an input inside it would be deleted when the job succeeds, and an output inside an input
     * would be read as input by the next run. A held-out input that is also read as another input
     * is the same documents under the same keys: dedup keeps both copies, one in each split (a
     * validation set of training data).
     */
    static void refuseOverlaps(PreprocessConfig cfg, Configuration hadoop) {
        String out = qualified(cfg.output(), hadoop);
        Map<String, String> inputs = new LinkedHashMap<>();   // key -> qualified path
        inputs.put("preprocess.input", qualified(cfg.input(), hadoop));
        cfg.split().heldOutInputs().forEach((split, in) -> inputs.put("preprocess.split." + split + "-input", qualified(in, hadoop)));
        Map<String, String> seen = new LinkedHashMap<>();
        inputs.forEach((key, in) -> {
            if (within(in, out)) {
                throw new JobConfigException(key + " " + in + " is inside preprocess.output " + out
                        + ", which the job replaces whole: write the output elsewhere");
            }
            if (within(out, in)) {
                throw new JobConfigException("preprocess.output " + out + " is inside " + key + " " + in
                        + ": the next run would read this output as input; write it elsewhere");
            }
            seen.forEach((otherKey, other) -> {
                if (within(in, other) || within(other, in)) {
                    throw new JobConfigException(key + " " + in + " overlaps " + otherKey + " " + other
                            + ": a held-out input must be files of its own, not also read as another input");
                }
            });
            seen.put(key, in);
        });
    }

    /** {@code path} is {@code dir} or under it (both qualified). */
    private static boolean within(String path, String dir) {
        return path.equals(dir) || path.startsWith(dir + "/");
    }

    private static String qualified(String path, Configuration hadoop) {
        Path p = new Path(path);
        try {
            String q = p.getFileSystem(hadoop).makeQualified(p).toString();
            return q.endsWith("/") && q.length() > 1 ? q.substring(0, q.length() - 1) : q;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resolve " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * The partitions of the job's shuffles (dedup, the drops): spark.default.parallelism if set,
     * else twice the cores, or one partition per 64 MiB of input if that is more. Spark SQL's
     * default of 200 made dedup of a thousand documents take 55 s in local mode.
     */
    static int shufflePartitions(JavaSparkContext sc, long inputBytes) {
        String key = "spark.default.parallelism";
        if (sc.getConf().contains(key)) {
            LOG.info("shuffle partitions: {} ({} is set)", sc.defaultParallelism(), key);
            return sc.defaultParallelism();
        }
        long partitions = Math.max(2L * sc.defaultParallelism(), (inputBytes + (64L << 20) - 1) / (64L << 20));
        int n = (int) Math.min(partitions, 100_000);
        LOG.info("shuffle partitions: {} (from {} cores and {} input bytes)", n, sc.defaultParallelism(), inputBytes);
        return n;
    }

    /** One run's state: the phases below read top to bottom in the order they happen. */
    private static final class Run {
        final SparkSession spark;
        final JavaSparkContext sc;
        final PreprocessConfig cfg;
        final InputListing listing;
        final Map<String, InputListing> heldOut;   // split -> its input
        final int partitions;
        final Path dir;
        final Map<String, Double> phaseSeconds = new LinkedHashMap<>();
        long phaseStart = System.nanoTime();

        Run(SparkSession spark, PreprocessConfig cfg, InputListing listing, Map<String, InputListing> heldOut, int partitions,
            Path dir) {
            this.spark = spark;
            this.sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            this.cfg = cfg;
            this.listing = listing;
            this.heldOut = heldOut;
            this.partitions = partitions;
            this.dir = dir;
        }

        void phaseDone(String phase) {
            long now = System.nanoTime();
            phaseSeconds.put(phase, (now - phaseStart) / 1e9);
            phaseStart = now;
        }

        ShardManifest write() {
            Configuration hadoop = sc.hadoopConfiguration();
            // Read, clean and filter in one pass over the input; nothing is removed yet, drops are
            // marked (the dropped without their text, plus a few sample copies: DroppedSamples).
            // Cached as objects: every later phase reads it, and none changes it.
            StageCounters counters = new StageCounters();
            sc.sc().register(counters, "preprocess stage counters");
            DocumentPipeline pipeline = new DocumentPipeline(cfg.stages());
            int sampleSize = cfg.droppedSampleSize();
            JavaRDD<Document> processed = pipeline.apply(read(), counters)
                    .mapPartitions(docs -> DroppedSamples.strip(docs, sampleSize, SAMPLE_CHARS), true)
                    .persist(StorageLevel.MEMORY_AND_DISK());
            // Materialized by counting its documents per drop reason (KEPT for those kept).
            Map<String, Long> firstPass = processed.filter(d -> !d.isSampleCopy()).map(d -> d.kept() ? KEPT : d.getDrop())
                    .countByValue();
            long records = firstPass.values().stream().mapToLong(Long::longValue).sum();
            // Read now: a later job that recomputes lost cached partitions would add them again.
            Map<String, Long> stageCounts = counters.value();
            phaseDone("read-clean-filter");

            Deduplication.Result dedup = Deduplication.run(
                    processed.filter(Document::kept).mapToPair(d -> new Tuple2<>(d.getKey(), d.getText())), cfg.dedup(),
                    partitions);
            Map<String, Long> byReason = countByReason(firstPass, dedup.byReason());
            phaseDone("dedup");
            try {
                return writeOutputs(processed, dedup, records, byReason, stageCounts, hadoop);
            } finally {   // again if the run failed before it was done
                dedup.release();
                processed.unpersist(false);
            }
        }

        /** The input, and the held-out inputs with their documents forced into their split. */
        JavaRDD<Document> read() {
            JavaRDD<Document> docs = DocumentReader.read(spark, cfg.input(), listing, cfg.reader());
            Map<String, String> inputs = cfg.split().heldOutInputs();
            for (var e : heldOut.entrySet()) {
                String split = e.getKey();
                docs = docs.union(DocumentReader.read(spark, inputs.get(split), e.getValue(), cfg.reader()).map(d -> {
                    d.setSplit(split);
                    return d;
                }));
            }
            return docs;
        }

        ShardManifest writeOutputs(JavaRDD<Document> processed, Deduplication.Result dedup, long records,
                                   Map<String, Long> byReason, Map<String, Long> counters, Configuration hadoop) {
            Map<String, Long> quarantine = new TreeMap<>();   // reason -> records
            byReason.forEach((k, v) -> {
                if (k.startsWith(QUARANTINE)) {
                    quarantine.put(k.substring(QUARANTINE.length()), v);
                }
            });
            long quarantined = quarantine.values().stream().mapToLong(Long::longValue).sum();
            long kept = byReason.getOrDefault(KEPT, 0L);
            LOG.info("documents: {} records, {} quarantined, {} kept; dropped by reason: {}",
                    records, quarantined, kept, byReason);
            writeReports(processed, dedup.drops());
            if (kept == 0) {
                throw new JobConfigException("no documents left in " + cfg.input() + ": " + records + " records, "
                        + quarantined + " quarantined, dropped: " + byReason + " (see the filters in preprocess.conf)");
            }

            SplitAssigner splitter = new SplitAssigner(cfg.split().validationFraction(), cfg.split().testFraction(),
                    cfg.split().seed());
            // By the id field when the input has one, else by the cleaned text: never by file and
            // offset, so moving the corpus or adding files keeps every document in its split.
            // Kept as objects: the tokenizer and each split read all of it, and a String is about
            // as compact as its Java serialization, which each of those reads had to undo.
            boolean byIdField = !cfg.reader().idField().isEmpty();
            JavaPairRDD<String, String> tagged = survivors(processed, dedup.drops(), dedup.dropCount(), Deduplication.BROADCAST_DROPS)
                    .mapToPair(d -> new Tuple2<>(d.getSplit() != null ? d.getSplit()
                            : splitter.splitOf(byIdField ? "id:" + d.getId() : "text:" + d.getText()), d.getText()))
                    .persist(StorageLevel.MEMORY_AND_DISK());
            try {
                Map<String, Long> perSplit = tagged.countByKey();
                // tagged holds the kept texts now: the first pass's cache and dedup's are not read again.
                dedup.release();
                processed.unpersist(false);
                LOG.info("split: {}", perSplit);
                if (perSplit.getOrDefault(ShardManifest.TRAIN, 0L) == 0) {
                    throw new JobConfigException("no training documents: " + perSplit + " (preprocess.split)");
                }
                phaseDone("split");

                TokenizerTraining.Result trained = TokenizerTraining.train(
                        tagged.filter(t -> t._1().equals(ShardManifest.TRAIN)).values(), cfg, hadoop);
                Tokenizer tokenizer = trained.tokenizer();
                HadoopFiles.writeStringAtomically(new Path(dir, TOKENIZER_FILE), tokenizer.toJson(), hadoop);
                LOG.info("tokenizer: {} with {} tokens, {}", tokenizer.type(), tokenizer.vocabSize(), tokenizer.fingerprint());
                phaseDone("tokenizer");

                Broadcast<Tokenizer> shared = sc.broadcast(tokenizer);
                Map<String, Long> lengths = new TreeMap<>();
                Map<String, SplitInfo> splits = new LinkedHashMap<>();
                List<String> names = new ArrayList<>(List.of(ShardManifest.TRAIN, ShardManifest.VALIDATION));
                if (cfg.split().hasTest()) {
                    names.add(ShardManifest.TEST);
                }
                for (String split : names) {
                    JavaRDD<String> documents = tagged.filter(t -> t._1().equals(split)).values();
                    splits.put(split, writeSplit(spark, documents, perSplit.getOrDefault(split, 0L), shared, lengths::putAll,
                            cfg, dir, split));
                }
                shared.unpersist();
                phaseDone("tokenize-pack-write");

                List<String> order = new ArrayList<>();
                order.add(DocumentPipeline.READ);
                cfg.stages().forEach(s -> order.add(s.name()));
                order.add(Deduplication.STAGE);
                Map<String, Long> allCounters = new TreeMap<>(counters);
                dedup.counters().forEach((k, v) -> allCounters.put(Deduplication.STAGE + "." + k, v));
                PreprocessStats stats = new PreprocessStats(PreprocessStats.SCHEMA_VERSION, cfg.input(),
                        cfg.inputFormat().toString(), listing.files(), listing.bytes(), records, quarantine,
                        PreprocessStats.stageTable(order, records - quarantined, byReason, allCounters,
                                Map.of(Deduplication.STAGE, phaseSeconds.get("dedup"))),
                        kept, splits, histograms(lengths, names), phaseSeconds, PeakMemory.of(spark));
                HadoopFiles.writeStringAtomically(new Path(dir, PreprocessStats.FILE_NAME), stats.toJson(), hadoop);

                ShardManifest manifest = new ShardManifest(ShardManifest.SCHEMA_VERSION, Instant.now().toString(),
                        cfg.input(), cfg.inputFormat().toString(),
                        new TokenizerInfo(tokenizer.type(), TOKENIZER_FILE, tokenizer.fingerprint(),
                                tokenizer.vocabSize(), tokenizer.endOfTextId(), trained.distinctChunks(),
                                trained.minChunkCount()),
                        cfg.context(), cfg.context() + 1, ShardManifest.COLUMN, splits, records, records - kept);
                // Last: a manifest marks a complete output.
                HadoopFiles.writeStringAtomically(new Path(dir, ShardManifest.FILE_NAME), manifest.toJson(), hadoop);
                return manifest;
            } finally {
                tagged.unpersist(false);
            }
        }

        /** quarantine/: every unreadable record; dropped-sample/: a few dropped documents per reason. */
        void writeReports(JavaRDD<Document> processed, JavaPairRDD<Long, String> dedupDrops) {
            int from = QUARANTINE.length();
            ParquetOutput.writeRecords(processed.filter(Document::quarantined).map(d -> new Object[] {
                    d.getDrop().substring(from, Math.min(d.getDrop().length(), from + 100)), d.getSource(), d.getOffset(),
                    d.getDetail(), d.getPreview()}), QUARANTINE_SCHEMA, new Path(dir, QUARANTINE_DIR), sc.hadoopConfiguration());
            // The filters' drops: the partitions' sample copies (their smallest keys per reason).
            // Dedup's: (key, reason) pairs of kept documents.
            JavaPairRDD<String, Long> dropped = processed.filter(Document::isSampleCopy)
                    .mapToPair(d -> new Tuple2<>(d.getDrop(), d.getKey()))
                    .union(dedupDrops.mapToPair(t -> new Tuple2<>(t._2(), t._1())));
            Map<Long, String> chosen = firstKeysPerReason(dropped, cfg.droppedSampleSize());
            Broadcast<Map<Long, String>> shared = sc.broadcast(chosen);
            ParquetOutput.writeRecords(processed.filter(d -> (d.isSampleCopy() || d.kept())
                    && shared.value().containsKey(d.getKey())).map(d -> new Object[] {
                    shared.value().get(d.getKey()), d.getId(), d.getSource(), d.getOffset(), d.getLang(), d.getMeta(),
                    d.getText() == null ? null : d.getText().substring(0, Math.min(d.getText().length(), SAMPLE_CHARS))}),
                    SAMPLE_SCHEMA, new Path(dir, SAMPLE_DIR), sc.hadoopConfiguration());
            shared.unpersist();
        }
    }

    static final MessageType QUARANTINE_SCHEMA = ParquetOutput.recordSchema(List.of(
            Field.string("reason"), Field.string("source"), Field.int64("offset"), Field.string("detail"), Field.string("preview")));
    static final MessageType SAMPLE_SCHEMA = ParquetOutput.recordSchema(List.of(
            Field.string("reason"), Field.string("id"), Field.string("source"), Field.int64("offset"), Field.string("lang"),
            Field.string("meta"), Field.string("text")));

    /**
     * The {@code n} smallest keys of each drop reason, with their reason: each partition keeps
     * its own n smallest per reason, and those merge pairwise up a tree, so only n keys per
     * reason reach the driver. A window over all dropped documents sent every document of a
     * reason, text included, to one task.
     */
    static Map<Long, String> firstKeysPerReason(JavaPairRDD<String, Long> reasonAndKey, int n) {
        Map<String, TreeSet<Long>> smallest = reasonAndKey.treeAggregate(new HashMap<>(),
                (Map<String, TreeSet<Long>> acc, Tuple2<String, Long> t) -> {
                    keepSmallest(acc.computeIfAbsent(t._1(), k -> new TreeSet<>()), t._2(), n);
                    return acc;
                },
                (a, b) -> {
                    b.forEach((reason, keys) -> keys.forEach(k -> keepSmallest(a.computeIfAbsent(reason, r -> new TreeSet<>()), k, n)));
                    return a;
                });
        Map<Long, String> chosen = new HashMap<>();
        smallest.forEach((reason, keys) -> keys.forEach(k -> chosen.put(k, reason)));
        return chosen;
    }

    private static void keepSmallest(TreeSet<Long> keys, long key, int n) {
        keys.add(key);
        if (keys.size() > n) {
            keys.pollLast();
        }
    }

    /** The documents the filters and dedup kept, in their partitions' order while dedup's drops are few (see {@link Deduplication#without}). */
    static JavaRDD<Document> survivors(JavaRDD<Document> processed, JavaPairRDD<Long, String> drops, long dropCount,
                                       int broadcastLimit) {
        return Deduplication.without(processed.filter(Document::kept), Document::getKey, drops, dropCount, broadcastLimit);
    }

    /**
     * Documents per drop reason, exactly; {@link #KEPT} for the ones nothing dropped.
     *
     * @param firstPass documents per drop reason after the per-document stages
     * @param dedup     dedup's drops per reason: each was a kept document
     */
    static Map<String, Long> countByReason(Map<String, Long> firstPass, Map<String, Long> dedup) {
        Map<String, Long> counts = new TreeMap<>(firstPass);
        dedup.forEach((reason, n) -> {
            counts.merge(reason, n, Long::sum);
            counts.merge(KEPT, -n, Long::sum);
        });
        counts.remove(KEPT, 0L);
        return counts;
    }

    static Map<String, Map<String, Long>> histograms(Map<String, Long> lengths, List<String> splits) {
        Map<String, Map<String, Long>> out = new LinkedHashMap<>();
        for (String split : splits) {
            Map<String, Long> h = new TreeMap<>(java.util.Comparator.comparingLong(PreprocessJob::bucketStart));
            lengths.forEach((k, v) -> {
                if (k.startsWith(split + ".")) {
                    h.put(k.substring(split.length() + 1), v);
                }
            });
            out.put(split, h);
        }
        return out;
    }

    private static long bucketStart(String bucket) {
        int dash = bucket.indexOf('-');
        return Long.parseLong(dash < 0 ? bucket : bucket.substring(0, dash));
    }

    private static SplitInfo writeSplit(SparkSession spark, JavaRDD<String> documents, long docs,
                                        Broadcast<Tokenizer> tokenizer, java.util.function.Consumer<Map<String, Long>> lengthsOut,
                                        PreprocessConfig cfg, Path dir, String split) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        StageCounters lengths = new StageCounters();
        sc.sc().register(lengths, split + " document token lengths");
        LongAccumulator tokens = sc.sc().longAccumulator(split + " tokens");
        LongAccumulator droppedTail = sc.sc().longAccumulator(split + " dropped tail tokens");
        int context = cfg.context();
        JavaRDD<int[]> windows = documents.mapPartitions(it -> {
            Tokenizer tok = tokenizer.value();
            int eot = tok.endOfTextId();
            java.util.Iterator<int[]> ids = new java.util.Iterator<>() {
                public boolean hasNext() { return it.hasNext(); }
                public int[] next() {
                    int[] ids = tok.encode(it.next());
                    lengths.add(split + "." + PreprocessStats.bucket(ids.length + 1L), 1);   // + end-of-text
                    return ids;
                }
            };
            return SequencePacker.pack(ids, context, eot, tokens::add, droppedTail::add);
        }).persist(StorageLevel.MEMORY_AND_DISK_SER());
        try {
            long sequences = windows.count();
            // The counts of the pass that built the windows: writing them re-reads the cache, and
            // a lost cached partition recomputed there would be counted twice.
            long tokenCount = tokens.value();
            long tailCount = droppedTail.value();
            lengthsOut.accept(lengths.value());
            int shards = (int) Math.max(1, Math.min(100_000, (sequences * (long) context + cfg.tokensPerShard() - 1) / cfg.tokensPerShard()));
            Path splitDir = new Path(dir, split);
            ParquetOutput.writeWindows(windows.repartition(shards), splitDir, sc.hadoopConfiguration());
            List<String> files = listShards(splitDir, sc.hadoopConfiguration());
            if (cfg.exportTokenFiles()) {
                TokenFiles.write(windows, new Path(dir, TokenFiles.fileName(split)), tokenizer.value().vocabSize(),
                        sc.hadoopConfiguration());
            }
            LOG.info("{}: {} documents, {} tokens, {} sequences of {} ids in {} shard(s), {} tail tokens dropped",
                    split, docs, tokenCount, sequences, context + 1, files.size(), tailCount);
            return new SplitInfo(split, docs, tokenCount, sequences, tailCount, files);
        } finally {
            windows.unpersist(false);
        }
    }

    private static List<String> listShards(Path splitDir, Configuration conf) {
        try {
            FileSystem fs = splitDir.getFileSystem(conf);
            List<String> names = new ArrayList<>();
            for (FileStatus f : fs.listStatus(splitDir)) {
                if (f.getPath().getName().endsWith(".parquet")) {
                    names.add(f.getPath().getName());
                }
            }
            names.sort(null);
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
