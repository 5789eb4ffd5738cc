package dev.sparklm.model;

import java.util.Map;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/** LayerNorm over the channels of [batch, time, channels] activations (the model's final norm). */
public class LayerNorm extends SequenceLayer {

    public LayerNorm() {}

    public LayerNorm(int channels, int context) {
        super(channels, context);
    }

    /** LayerNorm of [rows, channels] with gain and bias of [1, channels]. */
    static SDVariable define(SameDiff sd, SDVariable x, SDVariable gain, SDVariable bias) {
        return sd.nn.layerNorm(x, sd.reshape(gain, -1), sd.reshape(bias, -1), false, 1);
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable x, Map<String, SDVariable> p, SDVariable mask) {
        return sd.reshape(define(sd, sd.reshape(x, -1, channels), p.get("g"), p.get("b")), -1, context, channels);
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        params.clear();
        params.addBiasParam("g", 1, channels);
        params.addBiasParam("b", 1, channels);
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        params.get("g").assign(1);
        params.get("b").assign(0);
    }
}
