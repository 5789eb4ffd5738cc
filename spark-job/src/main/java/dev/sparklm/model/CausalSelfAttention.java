package dev.sparklm.model;

import java.util.Map;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Multi-head self-attention where position t sees positions 0..t only. All heads go through one
 * 4-D batched matmul ([batch, heads, time, head size]), faster than a loop over heads.
 */
final class CausalSelfAttention {
    private CausalSelfAttention() {}

    static void defineParameters(SDLayerParams params, int c) {
        params.addWeightParam("wq", c, c);
        params.addWeightParam("wk", c, c);
        params.addWeightParam("wv", c, c);
        params.addWeightParam("wo", c, c);
        params.addBiasParam("bq", 1, c);
        params.addBiasParam("bk", 1, c);
        params.addBiasParam("bv", 1, c);
        params.addBiasParam("bo", 1, c);
    }

    static void initialize(Map<String, INDArray> params, Initialization scheme, int layers) {
        for (String w : new String[] {"wq", "wk", "wv"}) {
            scheme.fill(params.get(w), false, layers);
        }
        scheme.fill(params.get("wo"), true, layers);
        for (String b : new String[] {"bq", "bk", "bv", "bo"}) {
            params.get(b).assign(0);
        }
    }

    /** @param h the normalized input, [batch * time, channels]; returns the same shape */
    static SDVariable define(SameDiff sd, SDVariable h, Map<String, SDVariable> p, int heads, int t, int c, DataType type) {
        int d = c / heads;
        SDVariable q = split(sd, sd.mmul(h, p.get("wq")).add(p.get("bq")), heads, t, d);   // [B, H, T, D]
        SDVariable k = split(sd, sd.mmul(h, p.get("wk")).add(p.get("bk")), heads, t, d);
        SDVariable v = split(sd, sd.mmul(h, p.get("wv")).add(p.get("bv")), heads, t, d);
        SDVariable scores = sd.mmul(q, k, false, true, false).mul(1.0 / Math.sqrt(d));   // [B, H, T, T]
        SDVariable weights = sd.nn.softmax(scores.add(sd.constant(causalMask(t, type))), 3);
        SDVariable y = sd.mmul(weights, v);                                                // [B, H, T, D]
        SDVariable merged = sd.reshape(sd.permute(y, 0, 2, 1, 3), -1, c);                  // [B*T, C]
        return sd.mmul(merged, p.get("wo")).add(p.get("bo"));
    }

    private static SDVariable split(SameDiff sd, SDVariable x, int heads, int t, int d) {
        return sd.permute(sd.reshape(x, -1, t, heads, d), 0, 2, 1, 3);
    }

    /** 0 where the key position is at or before the query position, -1e9 after: softmax weight 0. */
    static INDArray causalMask(int t, DataType type) {
        INDArray mask = Nd4j.zeros(type, t, t);
        for (int i = 0; i < t; i++) {
            for (int j = i + 1; j < t; j++) {
                mask.putScalar(i, j, -1e9);
            }
        }
        return mask;
    }
}
