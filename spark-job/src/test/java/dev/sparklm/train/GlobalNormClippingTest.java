package dev.sparklm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

class GlobalNormClippingTest {
    @Test
    void scalesTheWholeGradientToTheNormAndLeavesSmallOnesAlone() {
        TrainConfig cfg = TrainConfig.load(Optional.empty(), Map.of("model.hidden", "16", "model.embedding", "8"));
        MultiLayerNetwork net = new MultiLayerNetwork(TrainJob.modelConfiguration(cfg, 12, 1, 10));
        net.init();
        DataSet ds = SequenceBatches.toDataSet(List.of(new int[] {1, 2, 3, 4, 5}, new int[] {5, 4, 3, 2, 1}), 12);
        net.setInput(ds.getFeatures());
        net.setLabels(ds.getLabels());
        net.computeGradientAndScore();
        INDArray before = net.getFlattenedGradients().dup();
        double norm = before.norm2Number().doubleValue();

        new GlobalNormClipping(norm / 4).onGradientCalculation(net);
        INDArray after = net.getFlattenedGradients();
        assertEquals(norm / 4, after.norm2Number().doubleValue(), norm * 1e-4);
        assertEquals(before.div(4), after, "one factor for every parameter: the direction is kept");

        INDArray again = after.dup();
        new GlobalNormClipping(norm).onGradientCalculation(net);
        assertEquals(again, net.getFlattenedGradients(), "a gradient within the norm is untouched");
    }
}
