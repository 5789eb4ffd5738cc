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

    /** A held-out split: its cached windows, and the UTF-8 bytes of the text their targets stand for. */
    record HeldOut(JavaRDD<int[]> windows, long sequences, long bytes) {}

    /** The run's length: a step is one minibatch on every worker. */
    record Plan(int workers, long totalSteps, WarmupCosineSchedule schedule) {}

    /** What does not change during a run. */
    record Setup(TrainConfig cfg, JavaSparkContext sc, ShardedCorpus corpus, RoundTrainer trainer,
                 JavaRDD<int[]> train, long trainSequences, HeldOut validation, Optional<HeldOut> test, Plan plan,
                 CheckpointStore checkpoints, MetricsLog metrics) {}

    private final Setup s;
    private final TrainConfig cfg;
    private final Plan plan;
    private final int context;
    private long step;
    private int epoch = 1;
    private long epochPosition;
    private long tokensSeen;
    private long tokensAtStart;   // tokensSeen when this process started: a resumed run's earlier tokens
    private double trainLoss = Double.NaN;
    private double initialValidationLoss = Double.NaN;
    private double validationLoss = Double.NaN;
    private double testLoss = Double.NaN;
    private double best = Double.POSITIVE_INFINITY;
    private int withoutImprovement;
    private String bestCheckpoint;   // its name: it lives beside lastCheckpoint
    private Path lastCheckpoint;
    private long trainingNanos;
    private long workerFitNanos;
    private boolean stoppedEarly;
    private boolean outOfTime;
    private final Instant start = Instant.now();

    TrainingLoop(Setup setup) {
        this.s = setup;
        this.cfg = setup.cfg();
        this.plan = setup.plan();
        this.context = setup.corpus().context();
    }

    /** A new run: the untrained model's validation loss is step 0's row, and what an evaluation must beat to count. */
    void evaluateUntrained() {
        ValidationEvaluator.Result before = score(s.validation());
        initialValidationLoss = validationLoss = best = before.loss();
        int vocab = s.corpus().tokenizer().vocabSize();
        LOG.info("step 0: validation loss {} (a uniform guess is ln {} = {})", fmt(before.loss()), vocab,
                fmt(Math.log(vocab)));
        s.metrics().append(record(0, 0, 0, plan.schedule().valueAt(0, 0), Double.NaN, before.loss(),
                before.bitsPerByte(s.validation().bytes()), 0, 0));
    }

    /** Continues from a checkpoint's state. */
    void resumeFrom(TrainingState state, Path checkpoint) {
        step = state.step();
        TrainingState.Position position = state.resumeAt(s.trainSequences());
        epoch = position.epoch();
        epochPosition = position.windowsDone();
        tokensSeen = state.tokensSeen();
        tokensAtStart = tokensSeen;
        trainLoss = state.trainLoss();
        initialValidationLoss = validationLoss = state.validationLoss();
        best = state.bestValidationLoss();
        withoutImprovement = state.evaluationsWithoutImprovement();
        bestCheckpoint = state.bestCheckpoint();
        lastCheckpoint = checkpoint;
        LOG.info("resuming at step {} (epoch {}, {} of its {} sequences done) from {}", step, epoch, epochPosition,
                s.trainSequences(), checkpoint);
    }

    TrainJob.Result run() {
        long logEvery = (long) cfg.spark().averagingFrequency() * cfg.logEveryRounds();
        long evaluateEvery = (long) cfg.spark().averagingFrequency() * cfg.evaluation().everyRounds();
        for (; epoch <= cfg.epochs() && step < plan.totalSteps() && !stoppedEarly; epoch++, epochPosition = 0) {
            EpochFeed feed = EpochFeed.of(s.train(), s.trainSequences(), cfg.seed(), epoch, epochPosition, plan.workers(),
                    cfg.spark().batchSizePerWorker(), cfg.spark().averagingFrequency());
            for (int r = 0; r < feed.rounds() && step < plan.totalSteps(); r++) {
                long before = step;
                fitRound(feed.round(r, plan.totalSteps() - step));
                outOfTime = cfg.maxMinutes() > 0
                        && Duration.between(start, Instant.now()).toMillis() >= cfg.maxMinutes() * 60_000;
                boolean endOfEpoch = r == feed.rounds() - 1;
                boolean endOfRun = step >= plan.totalSteps() || outOfTime || (endOfEpoch && epoch == cfg.epochs());
                if (endOfEpoch || endOfRun || crossed(before, step, logEvery)) {
                    logProgress();
                }
                if (endOfEpoch || endOfRun || (evaluateEvery > 0 && crossed(before, step, evaluateEvery))) {
                    evaluateAndCheckpoint(endOfRun);
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
            if (step < plan.totalSteps() && !stoppedEarly && epochPosition != s.trainSequences()) {
                throw new IllegalStateException("epoch " + epoch + " ended with " + epochPosition + " of its "
                        + s.trainSequences() + " training sequences fitted by the workers");
            }
        }
        return new TrainJob.Result(step, tokensSeen, initialValidationLoss, validationLoss, testLoss,
                tokensPerSecond(tokensSeen, tokensAtStart, trainingNanos), lastCheckpoint, stoppedEarly, Double.NaN);
    }

    /**
     * The rate of this process's fitting: tokens fitted since it started (a resumed run's earlier
     * tokens were fitted by another process, in time this one did not measure; counting them
     * showed 83,457 tokens/s and a third of the true ETA after resuming at step 231 of a run
     * fitting 9,000) per second spent fitting.
     */
    static double tokensPerSecond(long tokensSeen, long tokensAtStart, long trainingNanos) {
        return (tokensSeen - tokensAtStart) / Math.max(trainingNanos / 1e9, 1e-9);
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
        tokensSeen += r.windows() * context;
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
        long sequencesPerStep = (long) plan.workers() * cfg.spark().batchSizePerWorker();
        double learningRate = plan.schedule().valueAt((int) step, epoch - 1);   // where the schedule now is
        double tokensPerSecond = tokensPerSecond(tokensSeen, tokensAtStart, trainingNanos);
        long remaining = (long) ((plan.totalSteps() - step) * sequencesPerStep * context / tokensPerSecond);
        LOG.info("epoch {}/{} step {}/{} | tokens {} | lr {} | train loss {} | {} tokens/s | ETA {}{}",
                epoch, cfg.epochs(), step, plan.totalSteps(), tokensSeen, String.format("%.2e", learningRate),
                fmt(trainLoss), Math.round(tokensPerSecond), formatDuration(Duration.ofSeconds(remaining)),
                workerFitNanos > 0 ? String.format(" | averaging %.1f%% of round time", 100.0 * averagingShare()) : "");
    }

    /** @param endOfRun the run's last evaluation (unless early stopping makes this one the last): the test split is scored too */
    private void evaluateAndCheckpoint(boolean endOfRun) {
        ValidationEvaluator.Result r = score(s.validation());
        validationLoss = r.loss();
        double bitsPerByte = r.bitsPerByte(s.validation().bytes());
        boolean improved = validationLoss < best - cfg.evaluation().minImprovement();
        if (improved) {
            withoutImprovement = 0;
        } else {
            withoutImprovement++;
        }
        best = Math.min(best, validationLoss);
        int patience = cfg.evaluation().patience();
        stoppedEarly = patience > 0 && withoutImprovement >= patience;
        double tokensPerSecond = tokensPerSecond(tokensSeen, tokensAtStart, trainingNanos);
        LOG.info("step {}: validation loss {} (perplexity {}, {} bits/byte){}, {} elapsed", step, fmt(validationLoss),
                fmt(Math.exp(validationLoss)), fmt(bitsPerByte),
                improved ? "" : ", no improvement " + withoutImprovement + "x",
                formatDuration(Duration.between(start, Instant.now())));
        Map<String, Object> row = record(step, epoch, tokensSeen, plan.schedule().valueAt((int) step, epoch - 1), trainLoss,
                validationLoss, bitsPerByte, tokensPerSecond, Duration.between(start, Instant.now()).toMillis() / 1000.0);
        if ((endOfRun || stoppedEarly) && s.test().isPresent()) {
            // Scored once, on the model the run ends with: no choice (learning rate, early
            // stopping, the best checkpoint) looked at it, so it estimates the loss on new text.
            HeldOut test = s.test().get();
            ValidationEvaluator.Result t = score(test);
            testLoss = t.loss();
            double testBitsPerByte = t.bitsPerByte(test.bytes());
            LOG.info("step {}: test loss {} (perplexity {}, {} bits/byte) over {} targets; validation {}", step,
                    fmt(testLoss), fmt(Math.exp(testLoss)), fmt(testBitsPerByte), t.tokens(), fmt(validationLoss));
            row.put("test_loss", testLoss);
            row.put("test_perplexity", Math.exp(testLoss));
            row.put("test_bits_per_byte", testBitsPerByte);
        }
        s.metrics().append(row);

        if (improved) {
            bestCheckpoint = CheckpointStore.name(step);
        }
        var tokenizer = s.corpus().tokenizer();
        TrainingState state = new TrainingState(step, epoch, epochPosition, tokensSeen, trainLoss, validationLoss, best,
                withoutImprovement, bestCheckpoint, cfg.model().type(), context, tokenizer.vocabSize(),
                tokenizer.fingerprint(), cfg.data(), Instant.now().toString(), null, cfg.rendered());
        lastCheckpoint = s.checkpoints().save(s.trainer().network(), state, tokenizer);
        s.checkpoints().prune(cfg.keepLastCheckpoints(), Optional.ofNullable(bestCheckpoint));
        LOG.info("checkpoint {}", lastCheckpoint);
        if (stoppedEarly) {
            LOG.info("early stopping at step {}: no improvement of the validation loss (best {}) in {} evaluations",
                    step, fmt(best), withoutImprovement);
        }
    }

    private ValidationEvaluator.Result score(HeldOut split) {
        return ValidationEvaluator.evaluate(s.sc(), s.trainer().network(), split.windows(),
                cfg.spark().batchSizePerWorker(), s.corpus().tokenizer().vocabSize(), cfg.spark().directReplicas());
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

    private static String fmt(double x) {
        return String.format("%.4f", x);
    }

    private static String formatDuration(Duration d) {
        long s = d.getSeconds();
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, (s % 3600) / 60)
                : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
