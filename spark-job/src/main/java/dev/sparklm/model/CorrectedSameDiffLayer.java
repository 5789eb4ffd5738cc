package dev.sparklm.model;

import java.util.Collection;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A SameDiffLayer whose backward pass gives the true gradient. DL4J 1.0.0-M2.1's SameDiffLayer
 * returns exactly twice the gradient of its parameters and of its input, whatever the graph
 * (even {@code x * w}; measured with DL4J's own GradientCheckUtil), so a stack of k such layers
 * sends 2^k times the gradient to the layers below it. This layer halves both. The gradient
 * check in the tests fails if DL4J ever fixes the bug, so the correction cannot outlive it silently.
 */
public abstract class CorrectedSameDiffLayer extends SameDiffLayer {

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
                             INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        Implementation layer = new Implementation(conf, networkDataType);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(layerParamsView);
        Map<String, INDArray> params = initializer().init(conf, layerParamsView, initializeParams);
        layer.setParamTable(params);
        layer.setConf(conf);
        return layer;
    }

    /** DL4J's SameDiff layer with its doubled gradients halved. */
    static final class Implementation extends org.deeplearning4j.nn.layers.samediff.SameDiffLayer {
        Implementation(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
            Pair<Gradient, INDArray> result = super.backpropGradient(epsilon, workspaceMgr);
            for (INDArray g : result.getFirst().gradientForVariable().values()) {
                g.muli(0.5);
            }
            result.getSecond().muli(0.5);
            return result;
        }
    }
}
