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
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.Operation;
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
    static final String ONES = "ones";
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
    /** Gradient variable of the backward graph -> the network's parameter key (or TOKENS). */
    private final Map<String, String> gradientOf = new LinkedHashMap<>();
    /** What a training step reads: the gradients and the loss. */
    private final List<String> outputs;
    /**
     * The backward graph's session, owned here rather than one per thread inside SameDiff: Spark
     * runs each round on some thread of its pool, and a replica trains on one thread at a time.
     */
    private final InferenceSession training;
    private final StepMemory memory = new StepMemory();
    /** The forward graph's session, for the loss alone (evaluation). */
    private final InferenceSession scoring;
    private final StepMemory scoringMemory = new StepMemory();
    /** A column of ones, one per predicted token: the output layer's bias input. */
    private INDArray ones;

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
                // The bias as one more row of the weights, against a column of ones: the same
                // logits, and its gradient comes out of the matmul's backward pass. A broadcast
                // add's backward sums the [tokens, vocabulary] gradient over tokens, which cost
                // libnd4j 170 ms a step at an 8k vocabulary, more than the forward matmul.
                SDVariable h = sd.concat(1, sd.reshape(x, -1, out.getNIn()), sd.placeHolder(ONES, x.dataType(), -1, 1));
                logits = sd.mmul(h, sd.concat(0, p.get("W"), sd.reshape(p.get("b"), 1, -1)));
            } else {
                throw new IllegalArgumentException("GptGraph cannot train a " + conf.getClass().getSimpleName()
                        + " layer (dropout and frozen layers train as a MultiLayerNetwork)");
            }
        }
        this.loss = sd.sum(sd.loss.sparseSoftmaxCrossEntropy(logits, next));
        sd.setLossVariables(loss);
        sd.createGradFunction();
        SameDiff backward = sd.getFunction("grad");
        // Lets the session hand each intermediate array back as soon as no op needs it (M2.1's
        // calculateGradientsAndOutputs switches this off, and then nothing is freed until GC).
        backward.setEnableCache(true);
        for (String name : parameterKeys.keySet()) {
            if (!name.equals(embeddingName)) {
                gradientOf.put(sd.getVariable(name).getGradient().name(), parameterKeys.get(name));
            }
        }
        gradientOf.put(sd.getVariable(TOKENS).getGradient().name(), TOKENS);
        outputs = new ArrayList<>(gradientOf.keySet());
        outputs.add(loss.name());
        training = new InferenceSession(backward);
        training.setMmgr(memory);
        scoring = new InferenceSession(sd);
        scoring.setMmgr(scoringMemory);
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
     * Loss (summed over the minibatch's predicted tokens) and its gradient for every parameter.
     *
     * @param ids       [batch, context] input ids
     * @param next      [batch * context] the ids to predict, row-major
     * @param gradients by the network's parameter key ("layer_param"): the arrays to write each
     *                  parameter's gradient into (of its shape; any ordering)
     * @return the loss summed over the minibatch's predicted tokens
     */
    public double step(INDArray ids, INDArray next, Map<String, INDArray> gradients) {
        Map<String, INDArray> out = training.output(outputs, inputs(ids, next), null, List.of(), List.of(),
                At.defaultAt(Operation.TRAINING));
        gradientOf.forEach((name, key) -> {
            INDArray g = out.get(name);
            if (key.equals(TOKENS)) {
                INDArray sum = embeddingGradient(ids, g, sd.getArrForVarName(embeddingName).shape());
                gradients.get(embeddingKey).assign(sum);
                sum.close();
            } else {
                gradients.get(key).assign(g);
            }
        });
        double value = out.get(loss.name()).getDouble(0);
        memory.recycle();
        return value;
    }

    /**
     * The loss alone, summed over the minibatch's predicted tokens (nats): a forward pass, for
     * evaluation.
     */
    public double loss(INDArray ids, INDArray next) {
        INDArray out = scoring.output(List.of(loss.name()), inputs(ids, next), null, List.of(), List.of(),
                At.defaultAt(Operation.INFERENCE)).get(loss.name());
        double value = out.getDouble(0);
        scoringMemory.recycle();
        return value;
    }

    private Map<String, INDArray> inputs(INDArray ids, INDArray next) {
        if (ones == null || ones.size(0) != next.length()) {
            ones = Nd4j.ones(DataType.FLOAT, next.length(), 1);
        }
        return Map.of(IDS, ids, NEXT, next, ONES, ones);
    }

    /** The native memory of the training steps: one step's arrays, allocated at the first step. */
    public StepMemory.Use stepMemory() {
        return memory.use();
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
}
