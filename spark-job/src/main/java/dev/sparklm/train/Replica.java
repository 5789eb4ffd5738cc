package dev.sparklm.train;

import dev.sparklm.model.GptBackprop;
import dev.sparklm.model.SameDiffNoise;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * One worker's model on an executor: the network (its parameters, optimizer state and updater)
 * and, for a GPT, its forward and backward pass written out ({@link GptBackprop}), which computes
 * the loss and gradients of a minibatch about twice as fast as the network's layer-by-layer
 * backward pass. Either way the step after the gradient is the network's own: gradient listeners
 * (global-norm clipping), then DL4J's updater (division by the minibatch size, Adam with the
 * schedule at the global step, decoupled weight decay), then {@code params -= update}; so both
 * paths train the same model the same way, and a checkpoint does not know which one ran.
 */
final class Replica {
    private final MultiLayerNetwork net;
    private final GptBackprop direct;
    private final Map<String, INDArray> gradientViews = new LinkedHashMap<>();

    /** @param useDirect train a GPT through {@link GptBackprop} when it can define the network */
    Replica(String configuration, boolean useDirect) {
        SameDiffNoise.silence();
        net = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(configuration));
        net.init();
        direct = useDirect ? GptBackprop.of(net) : null;
        if (direct != null) {
            net.initGradientsView();
            INDArray params = net.params().reshape(net.params().length());             // views, rank 1
            INDArray gradients = net.getFlattenedGradients().reshape(params.length());
            long offset = 0;
            for (Map.Entry<String, INDArray> e : net.paramTable().entrySet()) {
                INDArray p = e.getValue();
                INDArray slice = params.get(NDArrayIndex.interval(offset, offset + p.length()));
                if (!slice.reshape(p.ordering(), p.shape()).equals(p)) {
                    throw new IllegalStateException("parameter " + e.getKey() + " is not at offset " + offset + " of the flat vector");
                }
                gradientViews.put(e.getKey(), gradients.get(NDArrayIndex.interval(offset, offset + p.length()))
                        .reshape(p.ordering(), p.shape()));
                offset += p.length();
            }
        }
    }

    MultiLayerNetwork network() {
        return net;
    }

    boolean usesDirect() {
        return direct != null;
    }

    /** Native bytes of a direct replica's step arrays (0 for a network replica). */
    long directStepBytes() {
        return direct == null ? 0 : direct.bufferBytes();
    }

    void setListeners(List<TrainingListener> listeners) {
        net.setListeners(listeners);
    }

    /** The round's starting point: parameters, optimizer state, global step and epoch. */
    void load(float[] params, float[] state, long step, int epoch) {
        load(params);
        setOptimizerState(net, state);
        // The learning-rate schedule reads the global step.
        net.getLayerWiseConfigurations().setIterationCount((int) step);
        net.getLayerWiseConfigurations().setEpochCount(epoch - 1);
    }

    /** Parameters alone (evaluation). */
    void load(float[] params) {
        FloatArrays.copyInto(params, net.params());
    }

    /** The negative log-likelihood of the minibatch's next ids, summed over its predicted tokens (nats). */
    double negativeLogLikelihood(DataSet minibatch) {
        if (direct == null) {
            return ValidationEvaluator.negativeLogLikelihood(net, minibatch);
        }
        INDArray ids = minibatch.getFeatures().castTo(DataType.INT);
        INDArray next = minibatch.getLabels().reshape(-1).castTo(DataType.INT);
        double loss = direct.loss(ids, next);
        ids.close();
        next.close();
        return loss;
    }

    float[] params() {
        return FloatArrays.copyOf(net.params());
    }

    float[] state() {
        return optimizerState(net);
    }

    /** A network's optimizer (updater) state as one flat vector; empty for an optimizer without state. */
    static float[] optimizerState(MultiLayerNetwork net) {
        INDArray stateView = net.getUpdater().getStateViewArray();
        return stateView == null ? new float[0] : FloatArrays.copyOf(stateView);
    }

    /** Sets a network's optimizer state from a flat vector of {@link #optimizerState}'s layout. */
    static void setOptimizerState(MultiLayerNetwork net, float[] state) {
        INDArray stateView = net.getUpdater().getStateViewArray();
        if (stateView != null) {
            FloatArrays.copyInto(state, stateView);
        }
    }

    /** One optimizer step on a minibatch; returns its mean loss per predicted token (nats). */
    double fit(DataSet minibatch) {
        long batch = minibatch.getFeatures().size(0);
        long tokens = minibatch.getFeatures().length();
        if (direct == null) {
            net.fit(minibatch);
            // DL4J's score: the loss summed over time and averaged over the minibatch, plus the
            // regularization (weight decay) term, which is not part of the loss.
            return (net.score() - net.calcRegularizationScore(true)) * batch / tokens;
        }
        INDArray ids = minibatch.getFeatures().castTo(DataType.INT);
        INDArray next = minibatch.getLabels().reshape(-1).castTo(DataType.INT);
        double loss = direct.step(ids, next, gradientViews);
        ids.close();
        next.close();
        Gradient gradient = new DefaultGradient(net.getFlattenedGradients());
        gradientViews.forEach(gradient::setGradientFor);
        for (TrainingListener listener : net.getListeners()) {
            listener.onGradientCalculation(net);
        }
        int iteration = net.getIterationCount();
        ((BaseMultiLayerUpdater<?>) net.getUpdater()).update(gradient, iteration, net.getEpochCount(), (int) batch,
                LayerWorkspaceMgr.noWorkspaces());
        net.params().subi(net.getFlattenedGradients().reshape(net.params().shape()));
        net.getLayerWiseConfigurations().setIterationCount(iteration + 1);
        return loss / tokens;
    }
}
