package dev.sparklm.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The GPT of {@link GptLanguageModel} as one SameDiff graph, for training: the same layer
 * definitions ({@link TransformerBlock}, {@link PositionEmbedding}, {@link LayerNorm}) chained in
 * one graph instead of one {@code SameDiffLayer} per layer inside a {@code MultiLayerNetwork},
 * which costs about 30% of a step (per-layer graph boundaries, copies, DL4J's wrapper; STACK.md).
 *
 * <p>Its variables are the network's own parameter arrays (views of {@code net.params()}), so
 * the network, its checkpoints, its evaluation and generation stay as they are; only the
 * forward and backward pass of training run here. The loss is DL4J's: cross-entropy summed over
 * every predicted token, so the gradients equal the network's (which its updater then divides
 * by the minibatch size).
 */
public final class GptGraph {
    static final String IDS = "ids";
    static final String NEXT = "next";
    private final SameDiff sd = SameDiff.create();
    private final int context;
    private final SDVariable loss;
    private SDVariable tokens;
    private String embeddingKey;
    private String embeddingName;
    private static final String TOKENS = "tokens";
    /** Graph variable name -> the network's parameter key ("layer_param"). */
    private final Map<String, String> parameterKeys = new LinkedHashMap<>();
    /** Graph variables that hold a copy of a parameter, not the parameter itself. */
    private final Map<String, INDArray> copies = new LinkedHashMap<>();

    private GptGraph(MultiLayerNetwork net) {
        this.context = LanguageModels.fixedContext(net.getLayerWiseConfigurations());
        SDVariable ids = sd.placeHolder(IDS, DataType.INT, -1, context);
        SDVariable next = sd.placeHolder(NEXT, DataType.INT, -1);
        SDVariable x = null;
        SDVariable logits = null;
        for (int i = 0; i < net.getnLayers(); i++) {
            Layer layer = net.getLayer(i);
            var conf = layer.conf().getLayer();
            Map<String, SDVariable> p = new HashMap<>();
            for (Map.Entry<String, INDArray> e : layer.paramTable().entrySet()) {
                String name = i + "-" + e.getKey();   // no '_' in graph names of the network's keys' style
                INDArray array = e.getValue();
                // DL4J's dense and embedding weights are column-major views: the graph gets a
                // row-major copy, refreshed after every update.
                SDVariable v = sd.var(name, array.ordering() == 'c' ? array : array.dup('c'));
                if (sd.getArrForVarName(name) != array) {
                    copies.put(name, array);
                }
                p.put(e.getKey(), v);
                parameterKeys.put(name, i + "_" + e.getKey());
            }
            if (conf instanceof EmbeddingSequenceLayer e) {
                // A gather of the ids' rows of the embedding: [batch * time, channels]. Its
                // gradient is summed per id outside the graph: M2.1's gather backward loses the
                // contributions of repeated ids (ReplicaTest compares with the network's).
                tokens = sd.gather(TOKENS, p.get("W"), sd.reshape(ids, -1), 0);
                embeddingKey = i + "_W";
                embeddingName = i + "-W";
                x = sd.reshape(tokens, -1, context, e.getNOut());
            } else if (conf instanceof SequenceLayer s) {
                x = s.defineLayer(sd, x, p, null);
            } else if (conf instanceof RnnOutputLayer out) {
                SDVariable h = sd.reshape(x, -1, out.getNIn());
                logits = sd.mmul(h, p.get("W")).add(p.get("b"));
            } else {
                throw new IllegalArgumentException("GptGraph cannot train a " + conf.getClass().getSimpleName()
                        + " layer (dropout and frozen layers train as a MultiLayerNetwork)");
            }
        }
        this.loss = sd.sum(sd.loss.sparseSoftmaxCrossEntropy(logits, next));
        sd.setLossVariables(loss);
    }

    /**
     * The graph over {@code net}'s parameters, or null when the network holds layers the graph
     * does not define (dropout, frozen layers) or is not a GPT.
     */
    public static GptGraph of(MultiLayerNetwork net) {
        if (LanguageModels.fixedContext(net.getLayerWiseConfigurations()) == 0) {
            return null;
        }
        for (int i = 0; i < net.getnLayers(); i++) {
            var conf = net.getLayer(i).conf().getLayer();
            boolean known = conf instanceof EmbeddingSequenceLayer || conf instanceof SequenceLayer || conf instanceof RnnOutputLayer;
            if (!known) {
                return null;
            }
        }
        return new GptGraph(net);
    }

    /**
     * Loss (summed over the minibatch's predicted tokens) and its gradient for every parameter,
     * by the network's parameter key.
     *
     * @param ids  [batch, context] input ids
     * @param next [batch * context] the ids to predict, row-major
     */
    public Step step(INDArray ids, INDArray next) {
        Map<String, INDArray> placeholders = Map.of(IDS, ids, NEXT, next);
        List<String> wanted = new ArrayList<>(parameterKeys.keySet());
        wanted.remove(embeddingName);
        wanted.add(TOKENS);
        var out = sd.calculateGradientsAndOutputs(placeholders, List.of(loss.name()), wanted);
        Map<String, INDArray> gradients = new LinkedHashMap<>();
        out.getGradients().forEach((name, g) -> {
            if (name.equals(TOKENS)) {
                gradients.put(embeddingKey, embeddingGradient(ids, g, sd.getArrForVarName(embeddingName).shape()));
                g.close();
            } else {
                gradients.put(parameterKeys.get(name), g);
            }
        });
        INDArray lossValue = out.getOutputs().get(loss.name());
        double value = lossValue.getDouble(0);
        lossValue.close();
        return new Step(value, gradients);
    }

    /** The embedding's gradient: each looked-up row's gradient added to its id's row. */
    static INDArray embeddingGradient(INDArray ids, INDArray rowGradients, long[] shape) {
        int channels = (int) shape[1];
        int[] id = ids.reshape(-1).toIntVector();
        float[] g = rowGradients.reshape(-1).toFloatVector();
        float[] sum = new float[(int) (shape[0] * channels)];
        for (int n = 0; n < id.length; n++) {
            int to = id[n] * channels;
            int from = n * channels;
            for (int c = 0; c < channels; c++) {
                sum[to + c] += g[from + c];
            }
        }
        return Nd4j.create(sum, shape, 'c');
    }

    /** Copies the network's current parameters into the graph variables that are copies. */
    public void refresh() {
        copies.forEach((name, parameter) -> sd.getArrForVarName(name).assign(parameter));
    }

    /** How many parameter arrays the graph holds as copies (the others it shares with the network). */
    public int copies() {
        return copies.size();
    }

    /**
     * @param gradients by the network's parameter key ("layer_param"); fresh arrays the caller
     *                  closes when done (ND4J frees native memory on close or, late, on garbage
     *                  collection, which a nearly empty Java heap rarely triggers)
     */
    public record Step(double loss, Map<String, INDArray> gradients) {}
}
