package dev.sparklm.train;

import dev.sparklm.tokenizer.Tokenizer;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training loop on the driver: for each epoch, an {@link EpochFeed} of the windows in a
 * seeded order, one {@link RoundTrainer#fit} per averaging round (a progress line every
 * {@code log-every-rounds}); every {@code evaluation.every-rounds} rounds and at each epoch's end:
 * validation, a metrics line, a checkpoint, and the early-stopping check. Steps, tokens and the
 * epoch position come from what the workers report. Its state is exactly what a checkpoint's
 * {@link TrainingState} records, so a resumed run continues where the checkpoint was taken.
 */
final class TrainingLoop {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingLoop.class);

    /** What does not change during a run. */
    record Setup(TrainConfig cfg, JavaSparkContext sc, RoundTrainer trainer, JavaRDD<int[]> train,
                 long trainSequences, JavaRDD<int[]> validation, long validationBytes, int workers, int vocab,
                 int context, WarmupCosineSchedule schedule, long totalSteps, Tokenizer tokenizer,
                 CheckpointStore checkpoints, MetricsLog metrics) {}

    private final Setup s;
    private long step;
    private int epoch = 1;
    private long epochPosition;
    private long tokensSeen;
    private double trainLoss = Double.NaN;
    private double validationLoss;
    private double best = Double.POSITIVE_INFINITY;
    private int withoutImprovement;
    private String bestCheckpoint;   // its name: it lives beside lastCheckpoint
    private Path lastCheckpoint;
    private long trainingNanos;
    private long workerFitNanos;
    private boolean stoppedEarly;
    private boolean outOfTime;
    private final Instant start = Instant.now();

    TrainingLoop(Setup setup, double initialValidationLoss) {
        this.s = setup;
        this.validationLoss = initialValidationLoss;
        this.best = initialValidationLoss;   // an evaluation must beat the untrained model to count
    }

    /** Continues from a checkpoint's state. */
    void resumeFrom(TrainingState state, Path checkpoint) {
        step = state.step();
        TrainingState.Position position = state.resumeAt(s.trainSequences());
        epoch = position.epoch();
        epochPosition = position.windowsDone();
        tokensSeen = state.tokensSeen();
        trainLoss = state.trainLoss();
        validationLoss = state.validationLoss();
        best = state.bestValidationLoss();
        withoutImprovement = state.evaluationsWithoutImprovement();
        bestCheckpoint = state.bestCheckpoint();
        lastCheckpoint = checkpoint;
        LOG.info("resuming at step {} (epoch {}, {} of its {} sequences done) from {}", step, epoch, epochPosition,
                s.trainSequences(), checkpoint);
    }

    TrainJob.Result run(double initialValidationLoss) {
        TrainConfig cfg = s.cfg();
        long logEvery = (long) cfg.averagingFrequency() * cfg.logEveryRounds();
        long evaluateEvery = (long) cfg.averagingFrequency() * cfg.evaluateEveryRounds();
        for (; epoch <= cfg.epochs() && step < s.totalSteps() && !stoppedEarly; epoch++, epochPosition = 0) {
            EpochFeed feed = EpochFeed.of(s.train(), s.trainSequences(), cfg.seed(), epoch, epochPosition, s.workers(),
                    cfg.batchSizePerWorker(), cfg.averagingFrequency());
            for (int r = 0; r < feed.rounds() && step < s.totalSteps(); r++) {
                long before = step;
                fitRound(feed.round(r, s.totalSteps() - step));
                outOfTime = cfg.maxMinutes() > 0
                        && Duration.between(start, Instant.now()).toMillis() >= cfg.maxMinutes() * 60_000;
                boolean last = r == feed.rounds() - 1 || step >= s.totalSteps() || outOfTime;
                if (last || crossed(before, step, logEvery)) {
                    logProgress();
                }
                if (last || (evaluateEvery > 0 && crossed(before, step, evaluateEvery))) {
                    evaluateAndCheckpoint();
                    if (stoppedEarly) {
                        break;
                    }
                }
                if (outOfTime) {
                    LOG.info("time budget of {} minutes (train.max-minutes) reached at step {}: stopping; --resume continues",
                            cfg.maxMinutes(), step);
                    break;
                }
            }
            if (outOfTime) {
                break;
            }
            if (step < s.totalSteps() && !stoppedEarly && epochPosition != s.trainSequences()) {
                throw new IllegalStateException("epoch " + epoch + " ended with " + epochPosition + " of its "
                        + s.trainSequences() + " training sequences fitted by the workers");
            }
        }
        return new TrainJob.Result(step, tokensSeen, initialValidationLoss, validationLoss,
                tokensSeen / Math.max(trainingNanos / 1e9, 1e-9), lastCheckpoint, stoppedEarly, Double.NaN);
    }

    /** Whether a multiple of {@code every} lies in (before, after]. */
    private static boolean crossed(long before, long after, long every) {
        return every > 0 && after / every > before / every;
    }

    private void fitRound(JavaRDD<int[]> round) {
        long t0 = System.nanoTime();
        RoundTrainer.Round r = s.trainer().fit(round, step, epoch);
        trainingNanos += System.nanoTime() - t0;
        workerFitNanos += r.fitNanos();
        step += r.steps();
        tokensSeen += r.windows() * s.context();
        epochPosition += r.windows();
        trainLoss = r.trainLoss();
        if (!Double.isFinite(trainLoss) && r.windows() > 0) {
            throw new IllegalStateException("training loss became " + trainLoss + " at step " + step + "; "
                    + (lastCheckpoint == null ? "no checkpoint of this run was written yet"
                            : "the last good checkpoint is " + lastCheckpoint)
                    + ". Lower train.optimizer.learning-rate (or check the data / the --init-from checkpoint).");
        }
    }

    private void logProgress() {
        long sequencesPerStep = (long) s.workers() * s.cfg().batchSizePerWorker();
        double learningRate = s.schedule().valueAt((int) step, epoch - 1);   // where the schedule now is
        double tokensPerSecond = tokensSeen / (trainingNanos / 1e9);
        long remaining = (long) ((s.totalSteps() - step) * sequencesPerStep * s.context() / tokensPerSecond);
        LOG.info("epoch {}/{} step {}/{} | tokens {} | lr {} | train loss {} | {} tokens/s | ETA {}{}",
                epoch, s.cfg().epochs(), step, s.totalSteps(), tokensSeen, String.format("%.2e", learningRate),
                TrainJob.fmt(trainLoss), Math.round(tokensPerSecond), TrainJob.formatDuration(Duration.ofSeconds(remaining)),
                workerFitNanos > 0 ? String.format(" | averaging %.1f%% of round time", 100.0 * averagingShare()) : "");
    }

    private void evaluateAndCheckpoint() {
        ValidationEvaluator.Result r = ValidationEvaluator.evaluate(s.sc(), s.trainer().network(), s.validation(),
                s.cfg().batchSizePerWorker(), s.vocab(), s.cfg().graphReplicas());
        validationLoss = r.loss();
        double bitsPerByte = r.bitsPerByte(s.validationBytes());
        boolean improved = validationLoss < best - s.cfg().minImprovement();
        if (improved) {
            withoutImprovement = 0;
        } else {
            withoutImprovement++;
        }
        best = Math.min(best, validationLoss);
        double tokensPerSecond = tokensSeen / Math.max(trainingNanos / 1e9, 1e-9);
        LOG.info("step {}: validation loss {} (perplexity {}, {} bits/byte){}, {} elapsed", step, TrainJob.fmt(validationLoss),
                TrainJob.fmt(Math.exp(validationLoss)), TrainJob.fmt(bitsPerByte),
                improved ? "" : ", no improvement " + withoutImprovement + "x",
                TrainJob.formatDuration(Duration.between(start, Instant.now())));
        s.metrics().append(record(step, epoch, tokensSeen, s.schedule().valueAt((int) step, epoch - 1), trainLoss,
                validationLoss, bitsPerByte, tokensPerSecond,
                Duration.between(start, Instant.now()).toMillis() / 1000.0));

        if (improved) {
            bestCheckpoint = CheckpointStore.name(step);
        }
        TrainingState state = new TrainingState(step, epoch, epochPosition, tokensSeen, trainLoss, validationLoss, best,
                withoutImprovement, bestCheckpoint, s.cfg().modelType(), s.context(), s.vocab(), s.tokenizer().fingerprint(), s.cfg().data(),
                Instant.now().toString(), null, s.cfg().rendered());
        lastCheckpoint = s.checkpoints().save(s.trainer().network(), state, s.tokenizer());
        s.checkpoints().prune(s.cfg().keepLast(), Optional.ofNullable(bestCheckpoint));
        LOG.info("checkpoint {}", lastCheckpoint);
        int patience = s.cfg().patience();
        if (patience > 0 && withoutImprovement >= patience) {
            stoppedEarly = true;
            LOG.info("early stopping at step {}: no improvement of the validation loss (best {}) in {} evaluations",
                    step, TrainJob.fmt(best), withoutImprovement);
        }
    }

    /** A metrics.jsonl row; {@code learningRate} is the schedule's rate at {@code step} (the next step's). */
    static Map<String, Object> record(long step, int epoch, long tokens, double learningRate, double trainLoss,
                                      double validationLoss, double bitsPerByte, double tokensPerSecond, double elapsed) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("time", Instant.now().toString());
        m.put("step", step);
        m.put("epoch", epoch);
        m.put("tokens", tokens);
        m.put("learning_rate", learningRate);
        m.put("train_loss", Double.isFinite(trainLoss) ? trainLoss : null);
        m.put("val_loss", validationLoss);
        m.put("val_perplexity", Math.exp(validationLoss));
        m.put("val_bits_per_byte", bitsPerByte);
        m.put("tokens_per_sec", tokensPerSecond);
        m.put("elapsed_sec", elapsed);
        return m;
    }

    /** Share of the rounds' wall time outside the slowest worker's fitting: the cost of averaging. */
    double averagingShare() {
        return trainingNanos == 0 ? Double.NaN : 1.0 - (double) workerFitNanos / trainingNanos;
    }

    /** Wall time spent in training rounds so far. */
    long trainingMillis() {
        return trainingNanos / 1_000_000;
    }
}
