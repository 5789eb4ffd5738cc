package dev.sparklm.train;

import dev.sparklm.io.SparkSessions;
import dev.sparklm.shards.ShardManifest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The speed bar's reference figures, printed for benchmarks/gpt-vs-pytorch.sh: training tokens/s
 * of a plain single-JVM {@code MultiLayerNetwork.fit} of the configured model (no Spark, no
 * averaging) on windows of the shards, the machine's measured fp32 matmul peak (ND4J gemm), and
 * the model's training FLOPs per token (nanoGPT's estimate: 6 x matmul parameters + 12 x layers
 * x context x width for attention), from which the script computes model-FLOPs utilisation.
 * Usage: FitBenchmark DATA STEPS [KEY=VALUE ...] (train.conf overrides, as --set takes them), run
 * by spark-submit with the training job's jar and {@code --jars benchmarks/target/benchmarks.jar}.
 * It lives in the benchmarks module, in the training job's package: it times the job's own
 * package-private pieces (model configuration, minibatches, {@link Replica}), which stay
 * package-private; the two jars share one class loader under spark-submit.
 */
public final class FitBenchmark {
    private FitBenchmark() {}

    public static void main(String[] args) {
        String data = args[0];
        int steps = Integer.parseInt(args[1]);
        Map<String, String> overrides = new LinkedHashMap<>();
        for (int i = 2; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            overrides.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        overrides.put("data", data);
        TrainConfig cfg = TrainConfig.load(Optional.empty(), overrides);
        int batch = cfg.spark().batchSizePerWorker() * Math.max(1, cfg.spark().workers());   // the global batch, on one JVM

        // Spark only loads the windows; the timed part below is plain DL4J.
        List<int[]> windows;
        int vocab;
        int context;
        SparkSession spark = SparkSessions.getOrCreate("sparklm-fit-benchmark");
        try {
            ShardedCorpus corpus = ShardedCorpus.open(data, spark.sparkContext().hadoopConfiguration());
            vocab = corpus.tokenizer().vocabSize();
            context = corpus.context();
            windows = corpus.windows(spark, ShardManifest.TRAIN).take(20_000);
        } finally {
            spark.stop();
        }
        MultiLayerNetwork net = new MultiLayerNetwork(TrainJob.modelConfiguration(cfg, vocab, context, steps));
        net.init();
        RNNFormat format = dev.sparklm.model.LanguageModels.outputFormat(net);
        Random random = new Random(cfg.seed());
        List<DataSet> batches = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            List<int[]> b = new ArrayList<>();
            for (int j = 0; j < batch; j++) {
                b.add(windows.get(random.nextInt(windows.size())));
            }
            batches.add(SequenceBatches.toDataSet(b, vocab, format));
        }
        int warmup = Math.min(20, steps);
        String conf = net.getLayerWiseConfigurations().toJson();
        double tokensPerSecond = 0;
        for (boolean direct : new boolean[] {false, true}) {
            Replica replica = new Replica(conf, direct);
            if (direct && !replica.usesDirect()) {
                continue;
            }
            replica.setListeners(List.of(new GlobalNormClipping(cfg.optimizer().gradientClip())));
            for (int i = 0; i < warmup; i++) {
                replica.fit(batches.get(i % batches.size()));
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                replica.fit(batches.get(i % batches.size()));
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            tokensPerSecond = (double) steps * batch * context / seconds;
            System.out.printf("single-JVM fit%s: %,.0f tokens/s (%d steps of %d x %d tokens after %d warm-up, %s threads); "
                            + "process RSS %,d MiB%s%n",
                    direct ? " (direct)" : "", tokensPerSecond, steps, batch, context, warmup,
                    Nd4j.getEnvironment().maxMasterThreads(), residentMiB(),
                    direct ? String.format(", the step's arrays %,d MiB", replica.directStepBytes() >> 20) : "");
        }

        long matmulParams = net.numParams();
        for (int i = 0; i < net.getnLayers(); i++) {
            var layer = net.getLayerWiseConfigurations().getConf(i).getLayer();
            if (layer instanceof org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer
                    || layer instanceof dev.sparklm.model.PositionEmbedding) {
                matmulParams -= net.getLayer(i).numParams();   // lookups, not matmuls
            }
        }
        double attention = "gpt".equals(cfg.model().type()) ? 12.0 * cfg.model().layers() * context * cfg.model().embedding() : 0;
        double flopsPerToken = 6.0 * matmulParams + attention;

        System.out.printf("model: %,d parameters, %,d in matmuls; training FLOPs per token: %,.0f%n",
                net.numParams(), matmulParams, flopsPerToken);
        double peak = matmulPeak();
        System.out.printf("fp32 matmul peak: %.1f GFLOP/s (ND4J gemm 1024 x 1024)%n", peak / 1e9);
        System.out.printf("single-JVM MFU: %.1f%%%n", 100 * tokensPerSecond * flopsPerToken / peak);
    }

    /** This process's resident memory (Linux), or -1. */
    static long residentMiB() {
        try {
            String[] statm = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/statm")).trim().split(" ");
            return Long.parseLong(statm[1]) * 4096 >> 20;
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The best of several timed fp32 gemms, in FLOP/s. */
    static double matmulPeak() {
        int n = 1024;
        INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray c = Nd4j.create(DataType.FLOAT, n, n);
        double best = 0;
        for (int rep = 0; rep < 30; rep++) {
            long t0 = System.nanoTime();
            a.mmuli(b, c);
            double s = (System.nanoTime() - t0) / 1e9;
            best = Math.max(best, 2.0 * n * n * n / s);
        }
        return best;
    }
}
