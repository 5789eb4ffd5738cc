package dev.sparklm.train;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.impl.LossSparseMCXENT;

/**
 * The baseline: token embedding -> one LSTM layer -> softmax over the vocabulary, predicting
 * the next token at every position. Every layer is told the NCW layout explicitly, since the
 * layers' defaults disagree and the output layer then rejects the labels' shape.
 */
public final class LstmLanguageModel {
    private LstmLanguageModel() {}

    /**
     * What every model shares: seed, Adam with the configured schedule over {@code totalSteps},
     * decoupled weight decay (not on biases). Gradient clipping is {@link GlobalNormClipping}.
     */
    static NeuralNetConfiguration.Builder optimizer(TrainConfig cfg, long totalSteps) {
        WarmupCosineSchedule schedule = new WarmupCosineSchedule(cfg.learningRate(), cfg.minLearningRate(),
                cfg.warmupSteps(), totalSteps, cfg.cosineDecay());
        NeuralNetConfiguration.Builder b = new NeuralNetConfiguration.Builder()
                .seed(cfg.seed())
                .updater(Adam.builder().learningRateSchedule(schedule).beta1(cfg.beta1()).beta2(cfg.beta2()).build());
        if (cfg.weightDecay() > 0) {
            b.weightDecay(cfg.weightDecay(), true).weightDecayBias(0, true);
        }
        return b;
    }

    public static MultiLayerConfiguration configuration(TrainConfig cfg, int vocabSize, long totalSteps) {
        return optimizer(cfg, totalSteps).weightInit(WeightInit.XAVIER).list()
                .layer(new EmbeddingSequenceLayer.Builder()
                        .nIn(vocabSize).nOut(cfg.embedding())
                        .outputDataFormat(RNNFormat.NCW)
                        .build())
                .layer(new LSTM.Builder()
                        .dropOut(retain(cfg))   // on the layer's input
                        .nIn(cfg.embedding()).nOut(cfg.hidden())
                        .activation(Activation.TANH)
                        .dataFormat(RNNFormat.NCW)
                        .build())
                .layer(new RnnOutputLayer.Builder(new LossSparseMCXENT())
                        .dropOut(retain(cfg))
                        .nIn(cfg.hidden()).nOut(vocabSize)
                        .activation(Activation.SOFTMAX)
                        .dataFormat(RNNFormat.NCW)
                        .build())
                .build();
    }

    /** DL4J takes the retain probability, and 0 for "no dropout" (1.0 would still run the op). */
    static double retain(TrainConfig cfg) {
        return cfg.dropout() > 0 ? 1.0 - cfg.dropout() : 0.0;
    }
}
