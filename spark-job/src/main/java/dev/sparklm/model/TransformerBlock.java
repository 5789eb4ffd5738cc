package dev.sparklm.model;

import java.util.Map;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One pre-LayerNorm transformer block: {@code x + attn(ln1(x))}, then {@code x + mlp(ln2(x))}.
 * Activations are [batch, time, channels] (DL4J's NWC). DL4J has no causal attention layer, so
 * the block is a SameDiff graph; its configuration is plain fields, which DL4J's JSON (Spark
 * broadcasts, checkpoints) serializes.
 *
 * <p>Parameter names have no underscore: DL4J splits gradient keys on the last one.
 */
public class TransformerBlock extends SequenceLayer {
    private int heads;
    private int layers;
    private String init;

    /** For DL4J's JSON deserialization. */
    public TransformerBlock() {}

    /**
     * @param layers the number of blocks in the model (GPT-2 scales residual projections by it)
     * @param init   "gpt2", "xavier" or "he"
     */
    public TransformerBlock(int channels, int heads, int context, int layers, String init) {
        super(channels, context);
        if (channels % heads != 0) {
            throw new IllegalArgumentException("embedding " + channels + " is not divisible by " + heads + " heads");
        }
        this.heads = heads;
        this.layers = layers;
        this.init = init;
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable x, Map<String, SDVariable> p, SDVariable mask) {
        SDVariable flat = sd.reshape(x, -1, channels);                              // [B*T, C]
        SDVariable attended = CausalSelfAttention.define(sd, LayerNorm.define(sd, flat, p.get("lnag"), p.get("lnab")),
                p, heads, context, channels, x.dataType());
        SDVariable afterAttention = flat.add(attended);
        SDVariable mlp = Mlp.define(sd, LayerNorm.define(sd, afterAttention, p.get("lnmg"), p.get("lnmb")), p);
        return sd.reshape(afterAttention.add(mlp), -1, context, channels);
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        params.clear();
        params.addBiasParam("lnag", 1, channels);
        params.addBiasParam("lnab", 1, channels);
        CausalSelfAttention.defineParameters(params, channels);
        params.addBiasParam("lnmg", 1, channels);
        params.addBiasParam("lnmb", 1, channels);
        Mlp.defineParameters(params, channels);
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        Initialization scheme = Initialization.of(init);
        params.get("lnag").assign(1);
        params.get("lnab").assign(0);
        params.get("lnmg").assign(1);
        params.get("lnmb").assign(0);
        CausalSelfAttention.initialize(params, scheme, layers);
        Mlp.initialize(params, scheme, layers);
    }

    public int getHeads() {
        return heads;
    }

    public int getLayers() {
        return layers;
    }

    public String getInit() {
        return init;
    }

    public void setHeads(int heads) {
        this.heads = heads;
    }

    public void setLayers(int layers) {
        this.layers = layers;
    }

    public void setInit(String init) {
        this.init = init;
    }
}
