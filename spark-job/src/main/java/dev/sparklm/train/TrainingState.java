package dev.sparklm.train;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.sparklm.io.SnakeCaseJson;

/**
 * {@code state.json} of a checkpoint: where training stood, and what the model needs around
 * it (its tokenizer and context).
 *
 * @param step         minibatch steps taken (one minibatch on every worker)
 * @param epoch        the epoch in progress (1-based)
 * @param epochPosition training sequences of that epoch already trained on (its seeded order
 *                     is recomputed on resume, so this is the data position)
 * @param evaluationsWithoutImprovement for early stopping
 * @param bestCheckpoint the name of the checkpoint with the best validation loss so far (pruning
 *                     keeps it; a resumed run goes on keeping it), or null before any improvement
 * @param modelSha256  checksum of model.zip, checked on load
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TrainingState(
        long step,
        int epoch,
        long epochPosition,
        long tokensSeen,
        double trainLoss,
        double validationLoss,
        double bestValidationLoss,
        int evaluationsWithoutImprovement,
        String bestCheckpoint,
        String modelType,
        int context,
        int vocabSize,
        String tokenizerFingerprint,
        String data,
        String createdAt,
        String modelSha256,
        String config) {

    /** Where training continues: an epoch and the windows of it already trained. */
    public record Position(int epoch, long windowsDone) {}

    /**
     * Where a run resumed from this state continues: this epoch at this position, or the next
     * epoch's start if the checkpoint was taken at an epoch's end.
     */
    public Position resumeAt(long windowsPerEpoch) {
        return epochPosition >= windowsPerEpoch ? new Position(epoch + 1, 0) : new Position(epoch, epochPosition);
    }

    public TrainingState withChecksum(String sha256) {
        return new TrainingState(step, epoch, epochPosition, tokensSeen, trainLoss, validationLoss, bestValidationLoss,
                evaluationsWithoutImprovement, bestCheckpoint, modelType, context, vocabSize, tokenizerFingerprint, data, createdAt, sha256, config);
    }

    public String toJson() {
        return SnakeCaseJson.write(this);
    }

    public static TrainingState fromJson(String json, String source) {
        return SnakeCaseJson.read(json, TrainingState.class, source, "training state");
    }
}
