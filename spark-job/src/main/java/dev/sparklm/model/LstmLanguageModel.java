package dev.sparklm.model;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.impl.LossSparseMCXENT;

/**
 * The baseline: token embedding -> one LSTM layer -> softmax over the vocabulary, predicting
 * the next token at every position. Every layer is told the NCW layout explicitly, since the
 * layers' defaults disagree and the output layer then rejects the labels' shape.
 */
public final class LstmLanguageModel {
    private LstmLanguageModel() {}

    /** @param dropout probability of zeroing an input of the LSTM and of the output layer in training */
    public record Shape(int vocab, int embedding, int hidden, double dropout) {}

    /** @param base the optimizer, seed and gradient settings, shared with other models */
    public static MultiLayerConfiguration configuration(Shape s, NeuralNetConfiguration.Builder base) {
        // DL4J takes the retain probability, and 0 for "no dropout" (1.0 would still run the op).
        double retain = s.dropout() > 0 ? 1.0 - s.dropout() : 0.0;
        return base.weightInit(WeightInit.XAVIER).list()
                .layer(new EmbeddingSequenceLayer.Builder()
                        .nIn(s.vocab()).nOut(s.embedding())
                        .outputDataFormat(RNNFormat.NCW)
                        .build())
                .layer(new LSTM.Builder()
                        .dropOut(retain)   // on the layer's input
                        .nIn(s.embedding()).nOut(s.hidden())
                        .activation(Activation.TANH)
                        .dataFormat(RNNFormat.NCW)
                        .build())
                .layer(new RnnOutputLayer.Builder(new LossSparseMCXENT())
                        .dropOut(retain)
                        .nIn(s.hidden()).nOut(s.vocab())
                        .activation(Activation.SOFTMAX)
                        .dataFormat(RNNFormat.NCW)
                        .build())
                .build();
    }
}
