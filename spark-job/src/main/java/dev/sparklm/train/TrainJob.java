package dev.sparklm.train;

import dev.sparklm.io.CommandLineJobs;
import dev.sparklm.io.HadoopFiles;
import dev.sparklm.io.JobConfigException;
import dev.sparklm.io.JobOptions;
import dev.sparklm.io.SparkSessions;
import dev.sparklm.shards.ShardManifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import dev.sparklm.model.GptLanguageModel;
import dev.sparklm.model.LstmLanguageModel;
import dev.sparklm.model.SameDiffNoise;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.api.RepartitionStrategy;
import org.deeplearning4j.spark.time.SystemClockTimeSource;
import org.deeplearning4j.spark.time.TimeSourceProvider;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The training job. Reads top to bottom: configuration -> shards (checked) -> model -> the
 * round trainer ({@link ParameterAveraging}, or DL4J's master) -> {@link TrainingLoop}: for each
 * epoch an {@link EpochFeed}, one averaging round at a time -> validation loss -> metrics.jsonl
 * -> checkpoint.
 */
@Command(name = "train", mixinStandardHelpOptions = true, version = CommandLineJobs.VERSION, sortOptions = false,
        description = {"Trains a language model on the preprocessing job's shards with Spark parameter averaging.",
                "Defaults: conf/train.conf (out/data -> out/run)."})
public final class TrainJob implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(TrainJob.class);

    @Mixin
    JobOptions options = new JobOptions();

    @Option(names = "--data", paramLabel = "DIR", description = "preprocessed shards (train.data)")
    String data;

    @Option(names = "--output", paramLabel = "DIR", description = "run directory for checkpoints and metrics (train.output)")
    String output;

    @Option(names = "--overwrite", description = "replace the checkpoints and metrics of an earlier run in the output directory")
    boolean overwrite;

    @Option(names = "--resume", description = "continue from the newest valid checkpoint in the output directory "
            + "(corrupt or partial ones are reported and skipped)")
    boolean resume;

    @Option(names = "--init-from", paramLabel = "CHECKPOINT", description = "fine-tune: start from this checkpoint's "
            + "weights (a checkpoint directory, or a run directory: its newest valid checkpoint) with a new optimizer "
            + "and this run's learning rate; freezing: train.fine-tune")
    String initFrom;

    public static void main(String[] args) {
        System.exit(CommandLineJobs.execute(new TrainJob(), args));
    }

    /**
     * How a run begins.
     *
     * @param overwrite replace an earlier run's checkpoints and metrics in the output directory
     * @param resume    continue from the newest valid checkpoint there (a new run if there is none)
     * @param initFrom  fine-tune: a checkpoint (or run directory) whose weights the run starts from
     */
    public record Start(boolean overwrite, boolean resume, Optional<String> initFrom) {
        /** A new run in an output directory that holds none. */
        public static final Start NEW = new Start(false, false, Optional.empty());
        public static final Start OVERWRITE = new Start(true, false, Optional.empty());
        public static final Start RESUME = new Start(false, true, Optional.empty());

        public static Start fineTuning(String checkpoint) {
            return new Start(false, false, Optional.of(checkpoint));
        }
    }

    /**
     * What a run achieved.
     *
     * @param testLoss       the final model's loss on the test split (NaN if the shards have none):
     *                       the split no choice of the run looked at
     * @param averagingShare share of the rounds' wall time outside the slowest worker's fitting
     *                       (spark.averaging = dl4j: from DL4J's statistics, NaN unless spark.collect-stats)
     */
    public record Result(long steps, long tokensSeen, double initialValidationLoss, double validationLoss,
                         double testLoss, double tokensPerSecond, Path lastCheckpoint, boolean stoppedEarly,
                         double averagingShare) {

        Result withAveragingShare(double share) {
            return new Result(steps, tokensSeen, initialValidationLoss, validationLoss, testLoss, tokensPerSecond,
                    lastCheckpoint, stoppedEarly, share);
        }
    }

    @Override
    public Integer call() {
        Map<String, String> shorthands = new LinkedHashMap<>();
        shorthands.put("data", data);
        shorthands.put("output", output);
        TrainConfig cfg = TrainConfig.load(options.configFile(), options.overrides(shorthands));
        SparkSession spark = SparkSessions.getOrCreate("sparklm-train");
        try {
            Result r = run(spark, cfg, new Start(overwrite, resume, Optional.ofNullable(initFrom)));
            StringBuilder summary = new StringBuilder(String.format(
                    "train: %,d steps, %,d tokens, %.0f tokens/s%n"
                            + "  validation loss %.4f nats/token (perplexity %.2f), from %.4f before training%n",
                    r.steps(), r.tokensSeen(), r.tokensPerSecond(), r.validationLoss(), Math.exp(r.validationLoss()),
                    r.initialValidationLoss()));
            if (!Double.isNaN(r.testLoss())) {
                summary.append(String.format("  test loss %.4f nats/token (perplexity %.2f)%n", r.testLoss(),
                        Math.exp(r.testLoss())));
            }
            System.out.print(summary.append("  checkpoint: ").append(r.lastCheckpoint()).append(System.lineSeparator()));
            return 0;
        } finally {
            spark.stop();
        }
    }

    public static Result run(SparkSession spark, TrainConfig cfg, Start start) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Configuration hadoop = sc.hadoopConfiguration();
        SameDiffNoise.silence();
        // DL4J's training statistics time events with an NTP clock (pool.ntp.org) unless told
        // otherwise: clusters often have no Internet, and the hosts' clocks are synchronized anyway.
        // conf/spark-defaults.conf sets the same property on the executors.
        System.setProperty(TimeSourceProvider.TIMESOURCE_CLASSNAME_PROPERTY, SystemClockTimeSource.class.getName());
        LOG.info("train configuration:\n{}", cfg.rendered());

        // Data: the shards stay on the executors; only counts reach the driver.
        ShardedCorpus corpus = ShardedCorpus.open(cfg.data(), hadoop);
        corpus.requireSequences(ShardManifest.TRAIN, ShardManifest.VALIDATION);
        int vocab = corpus.tokenizer().vocabSize();
        int context = corpus.context();
        CheckpointStore checkpoints = new CheckpointStore(cfg.output(), hadoop);
        Optional<CheckpointStore.Checkpoint> resumed = start.resume() ? checkpoints.latestValid() : Optional.empty();
        if (start.resume() && resumed.isEmpty()) {
            LOG.warn("--resume: no valid checkpoint in {}; starting a new run", cfg.output());
        }
        resumed.ifPresent(c -> FineTuning.checkCompatible(c, corpus, "--resume", cfg));
        Optional<CheckpointStore.Checkpoint> pretrained = resumed.isPresent() ? Optional.empty()
                : start.initFrom().map(p -> FineTuning.source(p, hadoop));
        pretrained.ifPresent(p -> FineTuning.checkCompatible(p, corpus, "--init-from", cfg));
        // What the checkpoints record and the log reports: the model the run trains (--resume
        // refuses a differing train.model, --init-from takes the checkpoint's).
        TrainConfig recorded = pretrained.map(p -> FineTuning.withCheckpointModel(p, cfg)).orElse(cfg);
        StorageLevel storage = cfg.spark().storage();
        JavaRDD<int[]> train = corpus.windows(spark, ShardManifest.TRAIN).persist(storage);
        // Counting reads every shard once and checks every id against the vocabulary, before
        // anything is written.
        long trainSequences = corpus.checkedCount(train, ShardManifest.TRAIN);
        TrainingLoop.HeldOut validation = heldOut(spark, sc, corpus, ShardManifest.VALIDATION, storage);
        Optional<TrainingLoop.HeldOut> test = corpus.manifest().splits().containsKey(ShardManifest.TEST)
                && corpus.manifest().split(ShardManifest.TEST).sequences() > 0
                ? Optional.of(heldOut(spark, sc, corpus, ShardManifest.TEST, storage)) : Optional.empty();
        if (test.isEmpty()) {
            LOG.info("{} has no test sequences (preprocess.split.test-fraction / test-input): only the validation loss "
                    + "is reported", cfg.data());
        }
        if (resumed.isEmpty()) {
            prepareOutput(cfg.output(), hadoop, start.overwrite());
        }

        // Steps: one minibatch on every worker.
        TrainConfig.SparkSettings sparkCfg = cfg.spark();
        int batch = sparkCfg.batchSizePerWorker();
        int workers = workers(sparkCfg.workers(), sc.defaultParallelism(), trainSequences, batch, cfg.data());
        long stepsPerEpoch = steps(trainSequences, batch, workers);
        long totalSteps = stepsPerEpoch * cfg.epochs();
        if (resumed.isPresent()) {
            totalSteps = resumedTotalSteps(resumed.get().state(), trainSequences, batch, workers, cfg.epochs());
        }
        if (cfg.maxSteps() > 0) {
            totalSteps = Math.min(totalSteps, cfg.maxSteps());
        }

        // Model (new, or the checkpoint's with its updater state) and the parameter-averaging master.
        MultiLayerNetwork net;
        if (resumed.isPresent()) {
            net = resumed.get().network();
        } else if (pretrained.isPresent()) {
            net = FineTuning.network(pretrained.get(), cfg, totalSteps);
        } else {
            net = new MultiLayerNetwork(modelConfiguration(cfg, vocab, context, totalSteps));
            net.init();
        }
        RoundTrainer trainer = sparkCfg.averaging().equals("dl4j")
                ? new Dl4jAveraging(dl4jMaster(sc, net, cfg, workers), workers, batch, vocab, context)
                : new ParameterAveraging(sc, net, cfg.optimizer().gradientClip(), sparkCfg.directReplicas(), batch, vocab,
                        cfg.seed());

        long sequencesPerStep = (long) workers * batch;
        var env = org.nd4j.linalg.factory.Nd4j.getExecutioner().getEnvironmentInformation();
        LOG.info("ND4J on the driver: backend {}, BLAS {}, {} OpenMP thread(s), oneDNN {}", env.get("backend"),
                env.get("blas.vendor"), env.get("omp.threads"),
                org.nd4j.nativeblas.NativeOpsHolder.getInstance().getDeviceNativeOps().buildInfo().contains("HAVE_ONEDNN"));
        LOG.info("model: {} with {} parameters, vocab {}, context {}", recorded.model().type(), net.numParams(), vocab, context);
        LOG.info("data: {} training sequences ({} tokens), {} validation sequences{}", trainSequences,
                trainSequences * context, validation.sequences(),
                test.map(t -> ", " + t.sequences() + " test sequences (scored once, at the end)").orElse(""));
        LOG.info("parameter averaging ({}): {} workers x {} sequences = global batch {} ({} tokens); averaging every {} "
                        + "minibatches; learning rate {}; {} steps per epoch, {} steps in all",
                sparkCfg.averaging(), workers, batch, sequencesPerStep, sequencesPerStep * context,
                sparkCfg.averagingFrequency(), cfg.optimizer().learningRate(), stepsPerEpoch, totalSteps);

        MetricsLog metrics = new MetricsLog(cfg.output(), hadoop);
        if (resumed.isPresent()) {
            int dropped = metrics.truncateAfter(resumed.get().state().step());
            if (dropped > 0) {
                LOG.info("{}: {} row(s) after step {} dropped; the resumed run writes them again", metrics.file(), dropped,
                        resumed.get().state().step());
            }
        }
        TrainingLoop.Setup setup = new TrainingLoop.Setup(recorded, sc, corpus, trainer, train, trainSequences, validation,
                test, new TrainingLoop.Plan(workers, totalSteps, cfg.optimizer().schedule(totalSteps)), checkpoints, metrics);
        TrainingLoop loop = new TrainingLoop(setup);
        if (resumed.isPresent()) {
            loop.resumeFrom(resumed.get().state(), resumed.get().path());
        } else {
            loop.evaluateUntrained();
        }
        try {
            Result result = loop.run();
            if (trainer instanceof Dl4jAveraging dl4j) {
                if (sparkCfg.collectStats()) {
                    result = result.withAveragingShare(
                            TrainingStatsReport.log(dl4j.sparkNet().getSparkTrainingStats(), loop.trainingMillis(), workers));
                }
            } else {
                result = result.withAveragingShare(loop.averagingShare());
                LOG.info("parameter averaging: {}% of the rounds' wall time outside the slowest worker's fitting",
                        String.format("%.1f", 100 * loop.averagingShare()));
            }
            Map<String, Long> memory = dev.sparklm.io.PeakMemory.of(spark);
            LOG.info("peak JVM heap: driver {} MiB of {} MiB; executors {} MiB (ND4J's arrays live off-heap)",
                    memory.get("driver_heap") >> 20, memory.get("driver_heap_max") >> 20, memory.get("executor_heap") >> 20);
            return result;
        } finally {
            validation.windows().unpersist(false);
            test.ifPresent(t -> t.windows().unpersist(false));
            train.unpersist(false);
        }
    }

    /** A held-out split's windows (cached, counted and checked) and the bytes of the text its targets stand for. */
    static TrainingLoop.HeldOut heldOut(SparkSession spark, JavaSparkContext sc, ShardedCorpus corpus,
                                                String split, StorageLevel storage) {
        JavaRDD<int[]> windows = corpus.windows(spark, split);
        // A split written as one shard would be scored by one task, on one core; spread it over
        // the cluster's task slots (one shuffle, before it is cached).
        if (windows.getNumPartitions() < sc.defaultParallelism()) {
            windows = windows.repartition(sc.defaultParallelism());
        }
        windows = windows.persist(storage);
        return new TrainingLoop.HeldOut(windows, corpus.checkedCount(windows, split), corpus.targetBytes(sc, windows));
    }

    /**
     * A resumed run's last step: the checkpoint's steps plus what the rest of the epochs take on
     * this run's workers, which may be more or fewer than the checkpoint's (the same workers give
     * the uninterrupted run's count).
     */
    static long resumedTotalSteps(TrainingState state, long trainSequences, int batch, int workers, int epochs) {
        TrainingState.Position at = state.resumeAt(trainSequences);
        if (at.epoch() > epochs) {
            return state.step();
        }
        return state.step() + steps(trainSequences - at.windowsDone(), batch, workers)
                + (long) (epochs - at.epoch()) * steps(trainSequences, batch, workers);
    }

    /**
     * train.spark.workers, or Spark's default parallelism, but no more workers than the epoch has
     * minibatches: a worker without one only costs a task a round (100,000 workers on 462
     * minibatches ran a round for minutes and then failed). Set too high, it is refused; taken
     * from the cluster, it is lowered with a warning.
     */
    static int workers(int configured, int defaultParallelism, long trainSequences, int batch, String data) {
        long minibatches = ceilDiv(trainSequences, batch);
        if (configured > 0) {
            if (configured > minibatches) {
                throw new JobConfigException(String.format("train.spark.workers = %d, but the training split of %s has "
                        + "%,d sequences, %,d minibatches of train.spark.batch-size-per-worker = %d: at most %,d workers "
                        + "get one; lower either", configured, data, trainSequences, minibatches, batch, minibatches));
            }
            return configured;
        }
        if (defaultParallelism > minibatches) {
            LOG.warn("{} task slots, but the training split has {} minibatches of {} sequences: {} workers",
                    defaultParallelism, minibatches, batch, minibatches);
            return (int) minibatches;
        }
        return defaultParallelism;
    }

    /** Steps (a minibatch on every worker) that {@code windows} take: a worker's last minibatch may be short. */
    static long steps(long windows, int batch, int workers) {
        return ceilDiv(ceilDiv(windows, batch), workers);
    }

    /** The network configuration of {@code train.model.type}, with the optimizer every model shares. */
    static MultiLayerConfiguration modelConfiguration(TrainConfig cfg, int vocab, int context, long totalSteps) {
        TrainConfig.Model m = cfg.model();
        var optimizer = OptimizerRecipe.builder(cfg.optimizer(), cfg.seed(), totalSteps);
        return switch (m.type()) {
            case "lstm" -> LstmLanguageModel.configuration(
                    new LstmLanguageModel.Shape(vocab, m.embedding(), m.hidden(), m.dropout()), optimizer);
            case "gpt" -> GptLanguageModel.configuration(
                    new GptLanguageModel.Shape(vocab, context, m.layers(), m.heads(), m.embedding(), m.init(), m.dropout()),
                    optimizer);
            default -> throw new JobConfigException("unknown train.model.type " + m.type());
        };
    }

    /** DL4J's parameter-averaging master ({@code train.spark.averaging = dl4j}). */
    private static SparkDl4jMultiLayer dl4jMaster(JavaSparkContext sc, MultiLayerNetwork net, TrainConfig cfg, int workers) {
        TrainConfig.SparkSettings s = cfg.spark();
        int batch = s.batchSizePerWorker();
        // DL4J's master sums the workers' results with the same tree aggregation, always ending on the driver.
        long sumBytes = ParameterAveraging.sumBytes(net);
        long limit = ParameterAveraging.maxResultSize(sc);
        if (ParameterAveraging.sumOnExecutor(workers, sumBytes, limit)) {
            int sums = ParameterAveraging.treeResults(workers);
            throw ParameterAveraging.pastMaxResultSize(String.format("train.spark.averaging = dl4j hands the driver %d sums "
                    + "of %,d bytes a round (train.spark.averaging = sparklm sums on an executor)", sums, sumBytes),
                    sums * sumBytes, limit);
        }
        ParameterAveragingTrainingMaster master = new ParameterAveragingTrainingMaster.Builder(workers, batch)
                .batchSizePerWorker(batch)
                .averagingFrequency(s.averagingFrequency())
                .workerPrefetchNumBatches(s.prefetchBatches())
                .saveUpdater(true)
                .rddTrainingApproach(RDDTrainingApproach.Direct)
                .repartionData(switch (s.repartition()) {
                    case "never" -> Repartition.Never;
                    case "num-partitions-workers-differs" -> Repartition.NumPartitionsWorkersDiffers;
                    default -> Repartition.Always;
                })
                .repartitionStrategy(s.repartitionStrategy().equals("spark-default")
                        ? RepartitionStrategy.SparkDefault : RepartitionStrategy.Balanced)
                .storageLevel(s.storage())
                .collectTrainingStats(s.collectStats())
                .rngSeed(cfg.seed())
                .build();
        SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(sc, net, master);
        if (cfg.optimizer().gradientClip() > 0) {
            sparkNet.setListeners(java.util.List.of(new GlobalNormClipping(cfg.optimizer().gradientClip())));   // on every worker
        }
        return sparkNet;
    }

    private static void prepareOutput(String output, Configuration hadoop, boolean overwrite) {
        Path dir = new Path(output);
        FileSystem fs = HadoopFiles.fs(dir, hadoop);
        Path checkpoints = new Path(dir, "checkpoints");
        Path metrics = new Path(dir, "metrics.jsonl");
        try {
            if (fs.exists(dir) && !fs.getFileStatus(dir).isDirectory()) {
                throw new JobConfigException("train.output " + output + " is a file; a run's output is a directory "
                        + "(checkpoints/, metrics.jsonl): choose another path");
            }
            boolean earlier = fs.exists(checkpoints) || fs.exists(metrics);
            if (earlier && !overwrite) {
                throw new JobConfigException(output + " already holds a run (checkpoints/ or metrics.jsonl): pass "
                        + "--overwrite to replace it, or choose another train.output");
            }
            if (earlier) {
                LOG.warn("--overwrite: removing the earlier run's checkpoints and metrics in {}", output);
                fs.delete(checkpoints, true);
                fs.delete(metrics, false);
            }
            fs.mkdirs(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + output + ": " + e.getMessage(), e);
        }
    }

    static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
