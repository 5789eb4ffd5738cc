package dev.sparklm.model;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.impl.LossSparseMCXENT;

/**
 * A decoder-only transformer (GPT): token embedding + learned position embedding, N
 * {@link TransformerBlock}s, a final {@link LayerNorm}, and a softmax over the vocabulary.
 * Activations are [batch, time, channels] throughout (NWC); labels are the next ids, [batch, time, 1] (sparse).
 */
public final class GptLanguageModel {
    private GptLanguageModel() {}

    /**
     * The model's shape.
     *
     * @param dropout probability of zeroing an activation during training: after the embeddings
     *                and after each block (on the residual stream; nanoGPT instead drops inside
     *                the attention and on each branch before the residual sum). 0 adds no layer.
     */
    public record Shape(int vocab, int context, int layers, int heads, int embedding, String init, double dropout) {

        public Shape(int vocab, int context, int layers, int heads, int embedding, String init) {
            this(vocab, context, layers, heads, embedding, init, 0.0);
        }
    }

    /**
     * @param base the optimizer, seed, data type and gradient settings, shared with other models
     */
    public static MultiLayerConfiguration configuration(Shape s, NeuralNetConfiguration.Builder base) {
        NeuralNetConfiguration.ListBuilder list = base
                .weightInit(new NormalDistribution(0, 0.02))
                .list()
                .layer(new EmbeddingSequenceLayer.Builder().nIn(s.vocab()).nOut(s.embedding())
                        .outputDataFormat(RNNFormat.NWC).build())
                .layer(new PositionEmbedding(s.embedding(), s.context()));
        dropout(list, s.dropout());
        for (int i = 0; i < s.layers(); i++) {
            list.layer(new TransformerBlock(s.embedding(), s.heads(), s.context(), s.layers(), s.init()));
            dropout(list, s.dropout());
        }
        return list
                .layer(new LayerNorm(s.embedding(), s.context()))
                .layer(new RnnOutputLayer.Builder(new LossSparseMCXENT())
                        .nIn(s.embedding()).nOut(s.vocab())
                        .activation(Activation.SOFTMAX)
                        .dataFormat(RNNFormat.NWC)
                        .build())
                .build();
    }

    /** DL4J's DropoutLayer: active in training only, any activation shape (here NWC). */
    private static void dropout(NeuralNetConfiguration.ListBuilder list, double p) {
        if (p > 0) {
            list.layer(new DropoutLayer.Builder(1.0 - p).build());   // DL4J takes the retain probability
        }
    }
}
