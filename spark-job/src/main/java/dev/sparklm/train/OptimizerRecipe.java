package dev.sparklm.train;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.nd4j.linalg.learning.config.Adam;

/**
 * What every model trains with: the run's seed, Adam on the configured warm-up/cosine schedule
 * over the run's steps, decoupled weight decay on weights and embeddings (not on biases or
 * LayerNorm). Gradient clipping is not here: {@link GlobalNormClipping} and the replicas apply it.
 */
final class OptimizerRecipe {
    private OptimizerRecipe() {}

    static NeuralNetConfiguration.Builder builder(TrainConfig.Optimizer o, long seed, long totalSteps) {
        NeuralNetConfiguration.Builder b = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(Adam.builder().learningRateSchedule(o.schedule(totalSteps)).beta1(o.beta1()).beta2(o.beta2()).build());
        if (o.weightDecay() > 0) {
            b.weightDecay(o.weightDecay(), true).weightDecayBias(0, true);
        }
        return b;
    }
}
