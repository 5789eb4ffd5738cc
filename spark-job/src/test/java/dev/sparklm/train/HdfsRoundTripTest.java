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
        // bin/inspect parquet's reader (no Spark) on an hdfs:// URI.
        Map<String, Object> rows = ParquetRows.read(hdfs + "/lm/data/train", 2, null, 100, new Configuration());
        assertEquals(manifest.split("train").sequences(), rows.get("rows_total"));
        assertEquals(2, ((java.util.List<?>) rows.get("rows")).size());

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

    /**
     * A bzip2 MediaWiki dump on HDFS is read in several splits (the single-file Wikipedia dump
     * on a cluster), every page once, in order.
     */
    @Test
    void aBzip2WikiDumpOnHdfsIsSplitAcrossTasks() throws IOException {
        java.util.Random random = new java.util.Random(3);
        StringBuilder xml = new StringBuilder("<mediawiki xmlns=\"http://www.mediawiki.org/xml/export-0.10/\">\n");
        java.util.List<String> texts = new java.util.ArrayList<>();
        for (int i = 1; i <= 500; i++) {
            StringBuilder text = new StringBuilder();
            for (int w = 200 + random.nextInt(400); w > 0; w--) {
                text.append(Integer.toString(random.nextInt(50_000), 36)).append(w % 17 == 0 ? "\n" : " ");
            }
            texts.add(text.toString());
            xml.append("  <page>\n    <title>P").append(i).append("</title>\n    <ns>0</ns>\n    <id>").append(i)
                    .append("</id>\n    <revision><parentid>").append(i).append("</parentid><text>").append(text)
                    .append("</text></revision>\n  </page>\n");
        }
        xml.append("</mediawiki>\n");
        FileSystem fs = cluster.getFileSystem();
        org.apache.hadoop.fs.Path dump = new org.apache.hadoop.fs.Path("/wiki/dump.xml.bz2");
        try (var out = fs.create(dump)) {
            out.write(new byte[] {'B', 'Z'});
            try (var z = new org.apache.hadoop.io.compress.bzip2.CBZip2OutputStream(out, 1)) {   // 100 kB blocks
                z.write(xml.toString().getBytes(StandardCharsets.UTF_8));
            }
        }
        long size = fs.getFileStatus(dump).getLen();
        Configuration hadoop = LocalSpark.get().sparkContext().hadoopConfiguration();
        String key = "mapreduce.input.fileinputformat.split.maxsize";
        String before = hadoop.get(key);
        hadoop.setLong(key, size / 5);
        try {
            String input = hdfs + "/wiki";
            var options = new dev.sparklm.preprocess.read.ReaderOptions(dev.sparklm.preprocess.read.ReaderOptions.Format.MEDIAWIKI,
                    "text", "", java.util.List.of(), 16 << 20);
            var docs = dev.sparklm.preprocess.read.DocumentReader.read(LocalSpark.get(), input,
                    dev.sparklm.preprocess.read.InputListing.of(input, "preprocess.input", hadoop), options);
            assertTrue(docs.getNumPartitions() >= 5, docs.getNumPartitions() + " splits");
            assertEquals(texts, docs.map(d -> d.kept() ? d.getText() : d.getDrop() + " " + d.getDetail()).collect());
        } finally {
            if (before == null) {
                hadoop.unset(key);
            } else {
                hadoop.set(key, before);
            }
        }
    }
}
