package dev.sparklm.train;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * {@code state.json} of a checkpoint: where training stood, and what the model needs around
 * it (its tokenizer and context).
 *
 * @param step         minibatch steps taken (one minibatch on every worker)
 * @param epoch        the epoch in progress (1-based)
 * @param epochPosition training sequences of that epoch already trained on (its seeded order
 *                     is recomputed on resume, so this is the data position)
 * @param evaluationsWithoutImprovement for early stopping
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
        String modelType,
        int context,
        int vocabSize,
        String tokenizerFingerprint,
        String data,
        String createdAt,
        String modelSha256,
        String config) {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);

    public TrainingState withChecksum(String sha256) {
        return new TrainingState(step, epoch, epochPosition, tokensSeen, trainLoss, validationLoss, bestValidationLoss,
                evaluationsWithoutImprovement, modelType, context, vocabSize, tokenizerFingerprint, data, createdAt, sha256, config);
    }

    public String toJson() {
        try {
            return MAPPER.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static TrainingState fromJson(String json, String source) {
        try {
            return MAPPER.readValue(json, TrainingState.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(source + ": not a valid training state: " + e.getOriginalMessage());
        }
    }
}
