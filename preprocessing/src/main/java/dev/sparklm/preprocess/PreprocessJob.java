package dev.sparklm.preprocess;

import dev.sparklm.shards.ShardManifest;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;

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
import dev.sparklm.preprocess.dedup.Deduplication;
import dev.sparklm.preprocess.read.DocumentReader;
import dev.sparklm.preprocess.read.InputListing;
import dev.sparklm.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.StructType;
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
    static final Encoder<Document> DOCUMENT = Encoders.bean(Document.class);
    public static final String TOKENIZER_FILE = "tokenizer.json";
    public static final StructType SCHEMA = new StructType().add(ShardManifest.COLUMN,
            DataTypes.createArrayType(DataTypes.IntegerType, false), false);

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
        shufflePartitionsFor(spark, listing.bytes() + heldOutBytes);

        StagedOutputDirectory out = new StagedOutputDirectory(new Path(cfg.output()), hadoop);
        try {
            ShardManifest manifest = new Run(spark, cfg, listing, heldOut, out.staging()).write();
            out.publish();
            LOG.info("published {} in {} s", out.target(), (System.nanoTime() - start) / 1_000_000_000L);
            return manifest;
        } catch (RuntimeException e) {
            out.abort();
            throw e;
        }
    }

    /**
     * Sizes Spark SQL's shuffles (dedup, the drop counts, the report tables) to the input and the
     * cluster, unless spark.sql.shuffle.partitions was set: twice the cores, or one partition per
     * 64 MiB of input if that is more. Spark's default of 200 made dedup of a thousand documents
     * take 55 s in local mode: its cached datasets keep their partitioning, so adaptive execution
     * cannot coalesce them.
     */
    static void shufflePartitionsFor(SparkSession spark, long inputBytes) {
        String key = "spark.sql.shuffle.partitions";
        if (spark.sparkContext().getConf().contains(key)) {
            LOG.info("{} = {} (set)", key, spark.conf().get(key));
            return;
        }
        long partitions = Math.max(2L * spark.sparkContext().defaultParallelism(), (inputBytes + (64L << 20) - 1) / (64L << 20));
        spark.conf().set(key, Long.toString(Math.min(partitions, 100_000)));
        LOG.info("{} = {} (from {} cores and {} input bytes)", key, spark.conf().get(key),
                spark.sparkContext().defaultParallelism(), inputBytes);
    }

    /** One run's state: the phases below read top to bottom in the order they happen. */
    private static final class Run {
        final SparkSession spark;
        final JavaSparkContext sc;
        final PreprocessConfig cfg;
        final InputListing listing;
        final Map<String, InputListing> heldOut;   // split -> its input
        final Path dir;
        final Map<String, Double> phaseSeconds = new LinkedHashMap<>();
        long phaseStart = System.nanoTime();

        Run(SparkSession spark, PreprocessConfig cfg, InputListing listing, Map<String, InputListing> heldOut, Path dir) {
            this.spark = spark;
            this.sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            this.cfg = cfg;
            this.listing = listing;
            this.heldOut = heldOut;
            this.dir = dir;
        }

        void phaseDone(String phase) {
            long now = System.nanoTime();
            phaseSeconds.put(phase, (now - phaseStart) / 1e9);
            phaseStart = now;
        }

        ShardManifest write() {
            Configuration hadoop = sc.hadoopConfiguration();
            // Read, clean and filter in one pass over the input; nothing is removed yet, drops are marked.
            // Cached Datasets are not _SER: their columnar batches are byte arrays already, and
            // serializing them (Java serialization) cost a twentieth of the run for no memory saved.
            StageCounters counters = new StageCounters();
            sc.sc().register(counters, "preprocess stage counters");
            DocumentPipeline pipeline = new DocumentPipeline(cfg.stages());
            Dataset<Document> processed = spark.createDataset(
                            pipeline.apply(read(), counters).map(PreprocessJob::keepSampleOfDroppedText).rdd(), DOCUMENT)
                    .persist(StorageLevel.MEMORY_AND_DISK());
            long records = processed.count();
            // Read now: a later job that recomputes lost cached partitions would add them again.
            Map<String, Long> stageCounts = counters.value();
            phaseDone("read-clean-filter");

            Deduplication.Result dedup = Deduplication.run(
                    processed.filter(col("drop").isNull()).select("key", "text"), cfg.dedup());
            Dataset<Document> docs = markDropped(processed, dedup.drops()).persist(StorageLevel.MEMORY_AND_DISK());
            Map<String, Long> byReason = countByReason(docs);
            // docs is materialized: what dedup and the first pass cached is no longer read.
            dedup.release();
            processed.unpersist(false);
            phaseDone("dedup");

            try {
                return writeOutputs(docs, records, byReason, stageCounts, dedup.counters(), hadoop);
            } finally {
                docs.unpersist(false);
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

        ShardManifest writeOutputs(Dataset<Document> docs, long records, Map<String, Long> byReason,
                                   Map<String, Long> counters, Map<String, Long> dedupCounters, Configuration hadoop) {
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
            writeReports(docs);
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
            JavaPairRDD<String, String> tagged = docs.filter(col("drop").isNull()).javaRDD()
                    .mapToPair(d -> new Tuple2<>(d.getSplit() != null ? d.getSplit()
                            : splitter.splitOf(byIdField ? "id:" + d.getId() : "text:" + d.getText()), d.getText()))
                    .persist(StorageLevel.MEMORY_AND_DISK());
            try {
                Map<String, Long> perSplit = tagged.countByKey();
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
                dedupCounters.forEach((k, v) -> allCounters.put(Deduplication.STAGE + "." + k, v));
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
        void writeReports(Dataset<Document> docs) {
            docs.filter(col("drop").startsWith(QUARANTINE))
                    .select(col("drop").substr(QUARANTINE.length() + 1, 100).as("reason"), col("source"), col("offset"), col("detail"),
                            col("preview"))
                    .coalesce(1).write().mode(SaveMode.ErrorIfExists).parquet(new Path(dir, QUARANTINE_DIR).toString());
            Dataset<Document> dropped = docs.filter(col("drop").isNotNull().and(not(col("drop").startsWith(QUARANTINE))));
            Dataset<Row> chosen = firstKeysPerReason(dropped.select(col("drop"), col("key")), cfg.droppedSampleSize());
            dropped.join(broadcast(chosen), "key")
                    .select(col("drop").as("reason"), col("id"), col("source"), col("offset"), col("lang"), col("meta"),
                            col("text").substr(1, SAMPLE_CHARS).as("text"))
                    .coalesce(1).write().mode(SaveMode.ErrorIfExists).parquet(new Path(dir, SAMPLE_DIR).toString());
        }
    }

    /**
     * The {@code n} smallest keys of each drop reason, as (key): each partition first keeps its
     * own n smallest per reason, so only those (two longs' worth each) meet in the window that
     * picks the overall n. A window over all dropped documents sent every document of a reason,
     * text included, to one task.
     */
    static Dataset<Row> firstKeysPerReason(Dataset<Row> dropAndKey, int n) {
        StructType schema = new StructType().add("drop", DataTypes.StringType, false).add("key", DataTypes.LongType, false);
        Dataset<Row> local = dropAndKey.mapPartitions((org.apache.spark.api.java.function.MapPartitionsFunction<Row, Row>) it -> {
            Map<String, java.util.PriorityQueue<Long>> smallest = new java.util.HashMap<>();
            while (it.hasNext()) {
                Row r = it.next();
                java.util.PriorityQueue<Long> keys = smallest.computeIfAbsent(r.getString(0),
                        k -> new java.util.PriorityQueue<>(java.util.Comparator.reverseOrder()));
                keys.add(r.getLong(1));
                if (keys.size() > n) {
                    keys.poll();   // the largest
                }
            }
            List<Row> out = new ArrayList<>();
            smallest.forEach((reason, keys) -> keys.forEach(k -> out.add(RowFactory.create(reason, k))));
            return out.iterator();
        }, Encoders.row(schema));
        return local.withColumn("n", row_number().over(Window.partitionBy("drop").orderBy("key")))
                .filter(col("n").leq(n))
                .select(col("key"));
    }

    /**
     * A document the filters dropped keeps only the start of its text that dropped-sample/ may
     * show: nothing after the filters reads the rest, and carrying it meant caching and
     * re-reading the whole corpus (most of it, on web text) in every later phase.
     */
    static Document keepSampleOfDroppedText(Document d) {
        if (!d.kept() && d.getText() != null && d.getText().length() > SAMPLE_CHARS) {
            d.setText(d.getText().substring(0, SAMPLE_CHARS));
        }
        return d;
    }

    /** The documents with dedup's drops applied (a drop already set wins). */
    static Dataset<Document> markDropped(Dataset<Document> docs, Dataset<Row> drops) {
        Dataset<Row> d = drops.select(col("key").as("dkey"), col("reason").as("dreason"));
        Dataset<Row> joined = docs.join(d, docs.col("key").equalTo(d.col("dkey")), "left_outer")
                .withColumn("drop", coalesce(col("drop"), col("dreason")))
                .drop("dkey", "dreason");
        return joined.as(DOCUMENT);
    }

    /** Documents per drop reason, exactly; {@link #KEPT} for the ones nothing dropped. */
    static Map<String, Long> countByReason(Dataset<Document> docs) {
        Map<String, Long> counts = new TreeMap<>();
        for (Row r : docs.groupBy("drop").count().collectAsList()) {
            counts.put(r.isNullAt(0) ? KEPT : r.getString(0), r.getLong(1));
        }
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
            JavaRDD<Row> rows = windows.repartition(shards).map(w -> RowFactory.create((Object) w));
            spark.createDataFrame(rows, SCHEMA).write().mode(SaveMode.ErrorIfExists).parquet(splitDir.toString());
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
