package dev.sparklm.train;

import dev.sparklm.model.LanguageModels;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A trained network as generation and scoring use it: one forward pass over a window of ids,
 * then the next-token distribution at any position of it. Hides the two models' differences: a
 * transformer takes exactly its context (the window is padded on the right with a filler id,
 * where the causal mask keeps the padding from influencing the positions before it), and the
 * LSTM's output is [1, vocab, time] where the transformer's is [1, time, vocab].
 */
final class NextTokenModel {
    private final MultiLayerNetwork net;
    private final int padding;
    private final int fixedLength;     // the transformer's input length; 0 for the LSTM
    private final boolean timeMajor;

    /** @param padding the id that fills a transformer's window after the last real id */
    NextTokenModel(MultiLayerNetwork net, int padding) {
        this.net = net;
        this.padding = padding;
        this.fixedLength = LanguageModels.fixedContext(net.getLayerWiseConfigurations());
        this.timeMajor = LanguageModels.outputFormat(net) == RNNFormat.NWC;
    }

    /** The model's output over {@code ids[from, to)}: position i predicts the id after ids[from + i]. */
    Output forward(int[] ids, int from, int to) {
        float[] window = new float[fixedLength > 0 ? fixedLength : to - from];
        java.util.Arrays.fill(window, padding);
        for (int t = from; t < to; t++) {
            window[t - from] = ids[t];
        }
        return new Output(net.output(Nd4j.create(window, new long[] {1, window.length}, DataType.FLOAT), false));
    }

    /** Next-token probabilities at each position of one forward pass. */
    final class Output {
        private final INDArray probs;

        private Output(INDArray probs) {
            this.probs = probs;
        }

        double probability(int position, int id) {
            return timeMajor ? probs.getDouble(0, position, id) : probs.getDouble(0, id, position);
        }

        float[] distribution(int position) {
            INDArray row = timeMajor
                    ? probs.get(NDArrayIndex.point(0), NDArrayIndex.point(position), NDArrayIndex.all())
                    : probs.get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.point(position));
            return row.dup().toFloatVector();
        }
    }
}
