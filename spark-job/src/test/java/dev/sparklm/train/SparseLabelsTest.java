package dev.sparklm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sparklm.model.GptLanguageModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossSparseMCXENT;

/**
 * The models train on sparse labels (the next id at each position); on a small vocabulary their
 * loss and gradients must equal those of the same network on one-hot labels, which the test
 * builds itself, independently of {@link SequenceBatches}.
 */
class SparseLabelsTest {
    static final int VOCAB = 11, CONTEXT = 6, BATCH = 3;

    @Test
    void transformerLossAndGradientsEqualOneHot() {
        TrainConfig cfg = config("gpt");
        check(TrainJob.modelConfiguration(cfg, VOCAB, CONTEXT, 100), RNNFormat.NWC);
    }

    @Test
    void lstmLossAndGradientsEqualOneHot() {
        TrainConfig cfg = config("lstm");
        check(TrainJob.modelConfiguration(cfg, VOCAB, CONTEXT, 100), RNNFormat.NCW);
    }

    @Test
    void validationLossIsTheMeanNegativeLogProbabilityOfTheNextIds() {
        MultiLayerNetwork net = new MultiLayerNetwork(TrainJob.modelConfiguration(config("gpt"), VOCAB, CONTEXT, 100));
        net.init();
        List<int[]> windows = windows();
        DataSet sparse = SequenceBatches.toDataSet(windows, VOCAB, RNNFormat.NWC);
        INDArray probs = net.output(sparse.getFeatures(), false);   // [batch, time, vocab]
        double expected = 0;
        for (int b = 0; b < BATCH; b++) {
            for (int t = 0; t < CONTEXT; t++) {
                expected -= Math.log(probs.getDouble(b, t, windows.get(b)[t + 1]));
            }
        }
        assertEquals(expected, ValidationEvaluator.negativeLogLikelihood(net, sparse), 1e-3);
    }

    private static void check(MultiLayerConfiguration sparseConf, RNNFormat format) {
        assertEquals(LossSparseMCXENT.class, outputLayer(sparseConf).getLossFn().getClass());
        MultiLayerNetwork sparse = new MultiLayerNetwork(sparseConf);
        sparse.init();
        MultiLayerConfiguration denseConf = MultiLayerConfiguration.fromJson(sparseConf.toJson());
        outputLayer(denseConf).setLossFn(new LossMCXENT());
        MultiLayerNetwork dense = new MultiLayerNetwork(denseConf);
        dense.init(sparse.params().dup(), true);

        List<int[]> windows = windows();
        DataSet sparseData = SequenceBatches.toDataSet(windows, VOCAB, format);
        DataSet denseData = new DataSet(sparseData.getFeatures(), oneHot(windows, format));

        sparse.setInput(sparseData.getFeatures());
        sparse.setLabels(sparseData.getLabels());
        sparse.computeGradientAndScore();
        dense.setInput(denseData.getFeatures());
        dense.setLabels(denseData.getLabels());
        dense.computeGradientAndScore();
        assertEquals(dense.score(), sparse.score(), 1e-4 * Math.abs(dense.score()));
        assertArrayEquals(dense.gradient().gradient().toFloatVector(), sparse.gradient().gradient().toFloatVector(), 1e-5f);
    }

    private static BaseOutputLayer outputLayer(MultiLayerConfiguration conf) {
        return (BaseOutputLayer) conf.getConf(conf.getConfs().size() - 1).getLayer();
    }

    private static List<int[]> windows() {
        Random r = new Random(7);
        List<int[]> windows = new ArrayList<>();
        for (int b = 0; b < BATCH; b++) {
            int[] w = new int[CONTEXT + 1];
            for (int t = 0; t < w.length; t++) {
                w[t] = r.nextInt(VOCAB);
            }
            windows.add(w);
        }
        return windows;
    }

    private static INDArray oneHot(List<int[]> windows, RNNFormat format) {
        INDArray y = format == RNNFormat.NCW ? Nd4j.zeros(BATCH, VOCAB, CONTEXT) : Nd4j.zeros(BATCH, CONTEXT, VOCAB);
        for (int b = 0; b < BATCH; b++) {
            for (int t = 0; t < CONTEXT; t++) {
                int next = windows.get(b)[t + 1];
                y.putScalar(format == RNNFormat.NCW ? new long[] {b, next, t} : new long[] {b, t, next}, 1.0);
            }
        }
        return y;
    }

    private static TrainConfig config(String type) {
        return TrainConfig.load(Optional.empty(), Map.of("model.type", type, "model.embedding", "8", "model.hidden", "10",
                "model.layers", "2", "model.heads", "2"));
    }
}
