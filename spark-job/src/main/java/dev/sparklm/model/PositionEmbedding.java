package dev.sparklm.model;

import java.util.Map;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Adds a learned embedding per position to [batch, time, channels] token embeddings. */
public class PositionEmbedding extends SequenceLayer {

    public PositionEmbedding() {}

    public PositionEmbedding(int channels, int context) {
        super(channels, context);
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable x, Map<String, SDVariable> p, SDVariable mask) {
        return x.add(p.get("pos"));    // [B, T, C] + [T, C]
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        params.clear();
        params.addWeightParam("pos", context, channels);
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        params.get("pos").assign(Nd4j.randn(params.get("pos").dataType(), context, channels).muli(0.02));
    }
}
