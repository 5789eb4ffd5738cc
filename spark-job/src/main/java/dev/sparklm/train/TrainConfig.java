package dev.sparklm.train;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import dev.sparklm.io.JobConfigException;
import dev.sparklm.io.JobConfigLoader;
import java.io.File;
import java.io.Serializable;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.storage.StorageLevel;

/**
 * Every setting of the training job, typed and validated, in the layout of conf/train.conf
 * (which holds the defaults and says what each key does): one record per block.
 */
public record TrainConfig(
        String data,
        String output,
        long seed,
        Model model,
        Optimizer optimizer,
        SparkSettings spark,
        int epochs,
        long maxSteps,
        double maxMinutes,
        int logEveryRounds,
        Evaluation evaluation,
        FineTune fineTune,
        int keepLastCheckpoints,
        String rendered) implements Serializable {

    public static final String ROOT = "train";

    /** {@code train.model}: which network, and its shape (the context and vocabulary are the shards'). */
    public record Model(String type, int embedding, int hidden, int layers, int heads, String init, double dropout)
            implements Serializable {}

    /** {@code train.optimizer}: Adam's rate schedule and betas, decoupled weight decay, gradient clipping. */
    public record Optimizer(double learningRate, int warmupSteps, boolean cosineDecay, double minLearningRate,
                            double beta1, double beta2, double weightDecay, double gradientClip) implements Serializable {
        public Optimizer {
            if (cosineDecay && minLearningRate > learningRate) {   // the "decay" would raise the rate
                throw new JobConfigException(ROOT + ".optimizer.min-learning-rate = " + minLearningRate + " is above "
                        + ROOT + ".optimizer.learning-rate = " + learningRate + ": cosine decay goes from the one to the other");
            }
        }

        /** The learning rate at every step of a run of {@code totalSteps}. */
        public WarmupCosineSchedule schedule(long totalSteps) {
            return new WarmupCosineSchedule(learningRate, minLearningRate, warmupSteps, totalSteps, cosineDecay);
        }
    }

    /** {@code train.spark}: the workers, their minibatches and how their replicas are averaged. */
    public record SparkSettings(int workers, String averaging, String replica, int batchSizePerWorker,
                                int averagingFrequency, int prefetchBatches, String repartition,
                                String repartitionStrategy, String storageLevel, boolean collectStats)
            implements Serializable {
        /** Whether a GPT trains and is scored through its written-out passes ({@code replica = direct}). */
        public boolean directReplicas() {
            return replica.equals("direct");
        }

        public StorageLevel storage() {
            return StorageLevel.fromString(storageLevel);
        }
    }

    /** {@code train.evaluation}: how often the validation split is scored, and early stopping. */
    public record Evaluation(int everyRounds, int patience, double minImprovement) implements Serializable {}

    /** {@code train.fine-tune}: the layers an --init-from run keeps frozen. */
    public record FineTune(boolean freezeEmbeddings, int freezeBlocks) implements Serializable {}

    public static TrainConfig load(Optional<File> file, Map<String, String> overrides) {
        return from(JobConfigLoader.load("train.conf", ROOT, file, overrides));
    }

    public static TrainConfig from(Config c) {
        JobConfigLoader.Reader r = new JobConfigLoader.Reader(c, ROOT);
        String data = r.string("data");
        String output = r.string("output");
        if (data.isBlank() || output.isBlank()) {
            throw new JobConfigException(ROOT + ".data and " + ROOT + ".output must not be empty");
        }
        return new TrainConfig(
                data,
                output,
                r.longValue("seed", Long.MIN_VALUE, Long.MAX_VALUE),
                model(r),
                new Optimizer(
                        r.number("optimizer.learning-rate", 1e-8, 10),
                        r.integer("optimizer.warmup-steps", 0, Integer.MAX_VALUE),
                        r.oneOf("optimizer.decay", "none", "cosine").equals("cosine"),
                        r.number("optimizer.min-learning-rate", 0, 10),
                        r.number("optimizer.beta1", 0, 0.999999),
                        r.number("optimizer.beta2", 0, 0.999999),
                        r.number("optimizer.weight-decay", 0, 10),
                        r.number("optimizer.gradient-clip", 0, 1e6)),
                new SparkSettings(
                        r.integer("spark.workers", 0, 100_000),
                        r.oneOf("spark.averaging", "sparklm", "dl4j"),
                        r.oneOf("spark.replica", "direct", "network"),
                        r.integer("spark.batch-size-per-worker", 1, 1 << 16),
                        r.integer("spark.averaging-frequency", 1, 1 << 20),
                        r.integer("spark.prefetch-batches", 0, 1024),
                        r.oneOf("spark.repartition", "always", "never", "num-partitions-workers-differs"),
                        r.oneOf("spark.repartition-strategy", "balanced", "spark-default"),
                        storageLevel(r),
                        r.bool("spark.collect-stats")),
                r.integer("epochs", 1, 1 << 20),
                r.longValue("max-steps", 0, Long.MAX_VALUE),
                r.number("max-minutes", 0, 1e7),
                r.integer("log-every-rounds", 1, 1 << 20),
                new Evaluation(
                        r.integer("evaluation.every-rounds", 0, 1 << 20),
                        r.integer("evaluation.patience", 0, 1 << 20),
                        r.number("evaluation.min-improvement", 0, 1e6)),
                fineTune(r),
                r.integer("checkpoint.keep-last", 1, 1 << 10),
                c.root().render(ConfigRenderOptions.concise().setFormatted(true)));
    }

    private static Model model(JobConfigLoader.Reader r) {
        int heads = r.integer("model.heads", 1, 1024);
        int embedding = r.integer("model.embedding", 1, 1 << 16);
        if (embedding % heads != 0) {
            throw new JobConfigException(ROOT + ".model.embedding = " + embedding + " is not divisible by "
                    + ROOT + ".model.heads = " + heads);
        }
        return new Model(
                r.oneOf("model.type", "lstm", "gpt"),
                embedding,
                r.integer("model.hidden", 1, 1 << 16),
                r.integer("model.layers", 1, 1024),
                heads,
                r.oneOf("model.init", "gpt2", "xavier", "he"),
                r.number("model.dropout", 0.0, 0.9));
    }

    private static String storageLevel(JobConfigLoader.Reader r) {
        String level = r.string("spark.storage-level");
        try {
            StorageLevel.fromString(level);
        } catch (IllegalArgumentException e) {
            throw new JobConfigException(ROOT + ".spark.storage-level = '" + level + "' is not a Spark storage level "
                    + "(MEMORY_ONLY, MEMORY_ONLY_SER, MEMORY_AND_DISK, MEMORY_AND_DISK_SER, DISK_ONLY, ...)");
        }
        return level;
    }

    private static FineTune fineTune(JobConfigLoader.Reader r) {
        boolean embeddings = r.bool("fine-tune.freeze-embeddings");
        int blocks = r.integer("fine-tune.freeze-blocks", 0, 1024);
        if (blocks > 0 && !embeddings) {
            throw new JobConfigException(ROOT + ".fine-tune.freeze-blocks = " + blocks + " needs "
                    + ROOT + ".fine-tune.freeze-embeddings = true: frozen layers are a prefix of the network "
                    + "(the embeddings, then the bottom blocks)");
        }
        return new FineTune(embeddings, blocks);
    }
}
