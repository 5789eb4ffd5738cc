package dev.sparklm.train;

import org.apache.spark.api.java.JavaRDD;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Trains the network on one averaging round of windows (partition w: worker w's minibatches, in
 * order) and leaves the averaged result in {@link #network()}. {@code train.spark.averaging}
 * picks the implementation: {@link ParameterAveraging} or DL4J's master ({@link Dl4jAveraging}).
 */
interface RoundTrainer {

    /**
     * @param steps     minibatch steps the round took (the most minibatches one worker fitted)
     * @param windows   training windows fitted, over all workers
     * @param trainLoss mean training loss per token over the round's minibatches (nats)
     * @param fitNanos  the longest time one worker spent fitting its minibatches (0 if unknown):
     *                  the rest of the round is the cost of averaging (broadcast, scheduling,
     *                  aggregation, applying the mean)
     */
    record Round(long steps, long windows, double trainLoss, long fitNanos) {}

    MultiLayerNetwork network();

    /** @param step the global step the round starts at (the learning-rate schedule reads it) */
    Round fit(JavaRDD<int[]> windows, long step, int epoch);
}
