package dev.sparklm.model;

import java.util.Map;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The position-wise feed-forward part of a block: C -> 4C, GELU, 4C -> C. */
final class Mlp {
    private Mlp() {}

    static void defineParameters(SDLayerParams params, int c) {
        params.addWeightParam("wup", c, 4L * c);
        params.addBiasParam("bup", 1, 4L * c);
        params.addWeightParam("wdown", 4L * c, c);
        params.addBiasParam("bdown", 1, c);
    }

    static void initialize(Map<String, INDArray> params, Initialization scheme, int layers) {
        scheme.fill(params.get("wup"), false, layers);
        scheme.fill(params.get("wdown"), true, layers);
        params.get("bup").assign(0);
        params.get("bdown").assign(0);
    }

    /** @param h [batch * time, channels]; returns the same shape */
    static SDVariable define(SameDiff sd, SDVariable h, Map<String, SDVariable> p) {
        SDVariable up = sd.nn.gelu(sd.mmul(h, p.get("wup")).add(p.get("bup")));
        return sd.mmul(up, p.get("wdown")).add(p.get("bdown"));
    }
}
