package dev.sparklm.model;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/** Facts about a language model network that data and generation code depend on. */
public final class LanguageModels {
    private LanguageModels() {}

    /** NCW ([batch, vocab, time]) for the LSTM, NWC ([batch, time, vocab]) for the transformer. */
    public static RNNFormat outputFormat(MultiLayerConfiguration conf) {
        var last = conf.getConf(conf.getConfs().size() - 1).getLayer();
        if (last instanceof RnnOutputLayer out) {
            return out.getRnnDataFormat();
        }
        throw new IllegalArgumentException("not a language model: its last layer is " + last.getClass().getSimpleName());
    }

    public static RNNFormat outputFormat(MultiLayerNetwork net) {
        return outputFormat(net.getLayerWiseConfigurations());
    }

    /** The fixed input length of a transformer, or 0 for a model that takes any length (the LSTM). */
    public static int fixedContext(MultiLayerConfiguration conf) {
        for (var c : conf.getConfs()) {
            if (c.getLayer() instanceof PositionEmbedding p) {
                return p.getContext();
            }
        }
        return 0;
    }
}
