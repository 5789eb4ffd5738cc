package dev.sparklm.train;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import dev.sparklm.io.JobConfigException;
import dev.sparklm.io.JobConfigLoader;
import java.io.File;
import java.io.Serializable;
import java.util.Map;
import java.util.Optional;

/** Every setting of the training job, typed and validated; defaults in conf/train.conf. */
public record TrainConfig(
        String data,
        String output,
        long seed,
        String modelType,
        int embedding,
        int hidden,
        int layers,
        int heads,
        String init,
        double dropout,
        double learningRate,
        int warmupSteps,
        boolean cosineDecay,
        double minLearningRate,
        double beta1,
        double beta2,
        double weightDecay,
        double gradientClip,
        int workers,
        String averaging,
        String replica,
        int batchSizePerWorker,
        int averagingFrequency,
        int prefetchBatches,
        String repartition,
        String repartitionStrategy,
        String storageLevel,
        boolean collectStats,
        boolean freezeEmbeddings,
        int freezeBlocks,
        int epochs,
        long maxSteps,
        double maxMinutes,
        int logEveryRounds,
        int evaluateEveryRounds,
        int patience,
        double minImprovement,
        int keepLast,
        String rendered) implements Serializable {

    public static final String ROOT = "train";

    public static TrainConfig load(Optional<File> file, Map<String, String> overrides) {
        return from(JobConfigLoader.load("train.conf", ROOT, file, overrides));
    }

    private static int heads(JobConfigLoader.Reader r) {
        int heads = r.integer("model.heads", 1, 1024);
        int embedding = r.integer("model.embedding", 1, 1 << 16);
        if (embedding % heads != 0) {
            throw new JobConfigException(ROOT + ".model.embedding = " + embedding + " is not divisible by "
                    + ROOT + ".model.heads = " + heads);
        }
        return heads;
    }

    /** Whether a GPT trains and is scored as one SameDiff graph ({@code spark.replica = graph}). */
    boolean graphReplicas() {
        return replica.equals("graph");
    }

    private static String storageLevel(JobConfigLoader.Reader r) {
        String level = r.string("spark.storage-level");
        try {
            org.apache.spark.storage.StorageLevel.fromString(level);
        } catch (IllegalArgumentException e) {
            throw new JobConfigException(ROOT + ".spark.storage-level = '" + level + "' is not a Spark storage level "
                    + "(MEMORY_ONLY, MEMORY_ONLY_SER, MEMORY_AND_DISK, MEMORY_AND_DISK_SER, DISK_ONLY, ...)");
        }
        return level;
    }

    private static int freezeBlocks(JobConfigLoader.Reader r) {
        int blocks = r.integer("fine-tune.freeze-blocks", 0, 1024);
        if (blocks > 0 && !r.bool("fine-tune.freeze-embeddings")) {
            throw new JobConfigException(ROOT + ".fine-tune.freeze-blocks = " + blocks + " needs "
                    + ROOT + ".fine-tune.freeze-embeddings = true: frozen layers are a prefix of the network "
                    + "(the embeddings, then the bottom blocks)");
        }
        return blocks;
    }

    public org.apache.spark.storage.StorageLevel sparkStorageLevel() {
        return org.apache.spark.storage.StorageLevel.fromString(storageLevel);
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
                r.oneOf("model.type", "lstm", "gpt"),
                r.integer("model.embedding", 1, 1 << 16),
                r.integer("model.hidden", 1, 1 << 16),
                r.integer("model.layers", 1, 1024),
                heads(r),
                r.oneOf("model.init", "gpt2", "xavier", "he"),
                r.number("model.dropout", 0.0, 0.9),
                r.number("optimizer.learning-rate", 1e-8, 10),
                r.integer("optimizer.warmup-steps", 0, Integer.MAX_VALUE),
                r.oneOf("optimizer.decay", "none", "cosine").equals("cosine"),
                r.number("optimizer.min-learning-rate", 0, 10),
                r.number("optimizer.beta1", 0, 0.999999),
                r.number("optimizer.beta2", 0, 0.999999),
                r.number("optimizer.weight-decay", 0, 10),
                r.number("optimizer.gradient-clip", 0, 1e6),
                r.integer("spark.workers", 0, 100_000),
                r.oneOf("spark.averaging", "sparklm", "dl4j"),
                r.oneOf("spark.replica", "graph", "network"),
                r.integer("spark.batch-size-per-worker", 1, 1 << 16),
                r.integer("spark.averaging-frequency", 1, 1 << 20),
                r.integer("spark.prefetch-batches", 0, 1024),
                r.oneOf("spark.repartition", "always", "never", "num-partitions-workers-differs"),
                r.oneOf("spark.repartition-strategy", "balanced", "spark-default"),
                storageLevel(r),
                r.bool("spark.collect-stats"),
                r.bool("fine-tune.freeze-embeddings"),
                freezeBlocks(r),
                r.integer("epochs", 1, 1 << 20),
                r.longValue("max-steps", 0, Long.MAX_VALUE),
                r.number("max-minutes", 0, 1e7),
                r.integer("log-every-rounds", 1, 1 << 20),
                r.integer("evaluation.every-rounds", 0, 1 << 20),
                r.integer("evaluation.patience", 0, 1 << 20),
                r.number("evaluation.min-improvement", 0, 1e6),
                r.integer("checkpoint.keep-last", 1, 1 << 10),
                c.root().render(ConfigRenderOptions.concise().setFormatted(true)));
    }
}
