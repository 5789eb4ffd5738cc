package dev.sparklm.preprocess;

import dev.sparklm.io.CommandLineJobs;
import dev.sparklm.io.HadoopFiles;
import dev.sparklm.io.JobConfigException;
import dev.sparklm.io.SparkSessions;
import dev.sparklm.io.StagedOutputDirectory;
import dev.sparklm.preprocess.ShardManifest.SplitInfo;
import dev.sparklm.preprocess.ShardManifest.TokenizerInfo;
import dev.sparklm.tokenizer.Tokenizer;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import scala.Tuple2;

/**
 * The preprocessing job: text files -> normalized documents -> train/validation split ->
 * tokenizer (trained on train) -> packed windows of context + 1 ids -> Parquet shards, the
 * tokenizer file and {@code manifest.json}, all published atomically in one directory.
 */
@Command(name = "preprocess", mixinStandardHelpOptions = true, version = "sparklm 0.1.0", sortOptions = false,
        description = {"Turns a text corpus into tokenized, packed Parquet shards for the training job.",
                "Defaults: conf/preprocess.conf (bundled Tiny Shakespeare -> out/data)."})
public final class PreprocessJob implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(PreprocessJob.class);
    static final String DROPPED = "dropped";
    public static final String TOKENIZER_FILE = "tokenizer.json";
    public static final StructType SCHEMA = new StructType().add(ShardManifest.COLUMN,
            DataTypes.createArrayType(DataTypes.IntegerType, false), false);

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "HOCON file overriding conf/preprocess.conf")
    File config;

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE", description = "override one key, e.g. --set context=128")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Option(names = "--input", paramLabel = "PATH", description = "input file, directory or glob (preprocess.input)")
    String input;

    @Option(names = "--output", paramLabel = "DIR", description = "output directory (preprocess.output)")
    String output;

    public static void main(String[] args) {
        System.exit(CommandLineJobs.execute(new PreprocessJob(), args));
    }

    @Override
    public Integer call() {
        if (input != null) {
            overrides.put("input", input);
        }
        if (output != null) {
            overrides.put("output", output);
        }
        PreprocessConfig cfg = PreprocessConfig.load(Optional.ofNullable(config), overrides);
        SparkSession spark = SparkSessions.getOrCreate("sparklm-preprocess");
        try {
            ShardManifest m = run(spark, cfg);
            SplitInfo train = m.split(SplitAssigner.TRAIN);
            SplitInfo val = m.split(SplitAssigner.VALIDATION);
            System.out.printf("preprocess: %s -> %s%n  train: %,d documents, %,d tokens, %,d sequences%n"
                            + "  validation: %,d documents, %,d tokens, %,d sequences%n  tokenizer: %s, vocab %d%n",
                    cfg.input(), cfg.output(), train.documents(), train.tokens(), train.sequences(),
                    val.documents(), val.tokens(), val.sequences(), m.tokenizer().type(), m.tokenizer().vocabSize());
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
        CorpusReader.InputListing listing = CorpusReader.list(cfg.input(), hadoop);
        LOG.info("input {}: {} file(s), {} bytes", cfg.input(), listing.files(), listing.bytes());
        if (!cfg.validationInput().isBlank()) {
            CorpusReader.InputListing held = CorpusReader.list(cfg.validationInput(), hadoop);
            LOG.info("validation input {}: {} file(s), {} bytes", cfg.validationInput(), held.files(), held.bytes());
        }

        StagedOutputDirectory out = new StagedOutputDirectory(new Path(cfg.output()), hadoop);
        try {
            ShardManifest manifest = write(spark, cfg, out.staging());
            out.publish();
            LOG.info("published {} in {} s", out.target(), (System.nanoTime() - start) / 1_000_000_000L);
            return manifest;
        } catch (RuntimeException e) {
            out.abort();
            throw e;
        }
    }

    private static ShardManifest write(SparkSession spark, PreprocessConfig cfg, Path dir) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Configuration hadoop = sc.hadoopConfiguration();

        // Normalize and split in one pass, tagging short documents instead of filtering them,
        // so one action counts what was read, dropped and kept per split, exactly.
        TextNormalizer normalizer = new TextNormalizer(cfg.nfkc(), cfg.normalizeWhitespace());
        SplitAssigner splitter = new SplitAssigner(cfg.validationFraction(), cfg.splitSeed());
        int minChars = cfg.minDocumentChars();
        JavaPairRDD<String, String> tagged = CorpusReader.read(sc, cfg.input(), cfg.inputFormat())
                .mapToPair(raw -> {
                    String doc = normalizer.normalize(raw);
                    return doc.length() < minChars ? new Tuple2<>(DROPPED, "") : new Tuple2<>(splitter.splitOf(doc), doc);
                });
        if (!cfg.validationInput().isBlank()) {
            tagged = tagged.union(CorpusReader.read(sc, cfg.validationInput(), cfg.inputFormat()).mapToPair(raw -> {
                String doc = normalizer.normalize(raw);
                return doc.length() < minChars ? new Tuple2<>(DROPPED, "") : new Tuple2<>(SplitAssigner.VALIDATION, doc);
            }));
        }
        tagged = tagged.persist(StorageLevel.MEMORY_AND_DISK_SER());
        try {
            Map<String, Long> counts = tagged.countByKey();
            long dropped = counts.getOrDefault(DROPPED, 0L);
            long trainDocs = counts.getOrDefault(SplitAssigner.TRAIN, 0L);
            long valDocs = counts.getOrDefault(SplitAssigner.VALIDATION, 0L);
            long read = dropped + trainDocs + valDocs;
            LOG.info("documents: {} read, {} dropped (shorter than {} chars), {} train, {} validation",
                    read, dropped, minChars, trainDocs, valDocs);
            if (trainDocs == 0) {
                throw new JobConfigException("no training documents in " + cfg.input() + ": " + read
                        + " read, " + dropped + " shorter than preprocess.min-document-chars = " + minChars);
            }

            TokenizerTraining.Result trained = TokenizerTraining.train(
                    tagged.filter(t -> t._1().equals(SplitAssigner.TRAIN)).values(), cfg);
            Tokenizer tokenizer = trained.tokenizer();
            HadoopFiles.writeStringAtomically(new Path(dir, TOKENIZER_FILE), tokenizer.toJson(), hadoop);
            LOG.info("tokenizer: {} with {} tokens, {}", tokenizer.type(), tokenizer.vocabSize(), tokenizer.fingerprint());

            Broadcast<Tokenizer> shared = sc.broadcast(tokenizer);
            Map<String, SplitInfo> splits = new LinkedHashMap<>();
            for (String split : List.of(SplitAssigner.TRAIN, SplitAssigner.VALIDATION)) {
                long docs = counts.getOrDefault(split, 0L);
                JavaRDD<String> documents = tagged.filter(t -> t._1().equals(split)).values();
                splits.put(split, writeSplit(spark, documents, docs, shared, cfg, dir, split));
            }
            shared.unpersist();

            ShardManifest manifest = new ShardManifest(ShardManifest.SCHEMA_VERSION, Instant.now().toString(),
                    cfg.input(), cfg.inputFormat().toString(),
                    new TokenizerInfo(tokenizer.type(), TOKENIZER_FILE, tokenizer.fingerprint(),
                            tokenizer.vocabSize(), tokenizer.endOfTextId(), trained.distinctChunks()),
                    cfg.context(), cfg.context() + 1, ShardManifest.COLUMN, splits, read, dropped);
            // Last: a manifest marks a complete output.
            HadoopFiles.writeStringAtomically(new Path(dir, ShardManifest.FILE_NAME), manifest.toJson(), hadoop);
            return manifest;
        } finally {
            tagged.unpersist(false);
        }
    }

    private static SplitInfo writeSplit(SparkSession spark, JavaRDD<String> documents, long docs,
                                        Broadcast<Tokenizer> tokenizer, PreprocessConfig cfg, Path dir, String split) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        LongAccumulator tokens = sc.sc().longAccumulator(split + " tokens");
        LongAccumulator droppedTail = sc.sc().longAccumulator(split + " dropped tail tokens");
        int context = cfg.context();
        JavaRDD<int[]> windows = documents.mapPartitions(it -> {
            Tokenizer tok = tokenizer.value();
            int eot = tok.endOfTextId();
            java.util.Iterator<int[]> ids = new java.util.Iterator<>() {
                public boolean hasNext() { return it.hasNext(); }
                public int[] next() { return tok.encode(it.next()); }
            };
            return SequencePacker.pack(ids, context, eot, tokens::add, droppedTail::add);
        }).persist(StorageLevel.MEMORY_AND_DISK_SER());
        try {
            long sequences = windows.count();
            int shards = (int) Math.max(1, Math.min(100_000, (sequences * (long) context + cfg.tokensPerShard() - 1) / cfg.tokensPerShard()));
            Path splitDir = new Path(dir, split);
            JavaRDD<Row> rows = windows.repartition(shards).map(w -> RowFactory.create((Object) w));
            spark.createDataFrame(rows, SCHEMA).write().mode(SaveMode.ErrorIfExists).parquet(splitDir.toString());
            List<String> files = listShards(splitDir, sc.hadoopConfiguration());
            LOG.info("{}: {} documents, {} tokens, {} sequences of {} ids in {} shard(s), {} tail tokens dropped",
                    split, docs, tokens.value(), sequences, context + 1, files.size(), droppedTail.value());
            return new SplitInfo(split, docs, tokens.value(), sequences, droppedTail.value(), files);
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
