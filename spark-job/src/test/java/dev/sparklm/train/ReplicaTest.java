package dev.sparklm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A GPT trained through its written-out backward pass ({@link dev.sparklm.model.GptBackprop};
 * its loss and gradients: GptBackpropTest) must be the same model trained the same way as the
 * network layer by layer: the same parameters and optimizer state after several steps with
 * clipping, Adam, warm-up and weight decay.
 */
class ReplicaTest {
    static final int VOCAB = 13, CONTEXT = 8, BATCH = 3;

    static TrainConfig config(Map<String, String> extra) {
        Map<String, String> o = new java.util.HashMap<>(Map.of("model.type", "gpt", "model.embedding", "16",
                "model.layers", "2", "model.heads", "2", "optimizer.learning-rate", "0.01", "optimizer.warmup-steps", "2",
                "optimizer.weight-decay", "0.1", "optimizer.gradient-clip", "1.0"));
        o.putAll(extra);
        return TrainConfig.load(Optional.empty(), o);
    }

    static List<int[]> windows(long seed) {
        Random r = new Random(seed);
        List<int[]> windows = new ArrayList<>();
        for (int b = 0; b < BATCH; b++) {
            windows.add(r.ints(CONTEXT + 1, 0, VOCAB).toArray());
        }
        return windows;
    }

    @Test
    void aDirectReplicaTrainsExactlyAsTheNetworkReplica() {
        String conf = TrainJob.modelConfiguration(config(Map.of()), VOCAB, CONTEXT, 10).toJson();
        Replica viaDirect = new Replica(conf, true);
        Replica viaNetwork = new Replica(conf, false);
        assertTrue(viaDirect.usesDirect());
        assertFalse(viaNetwork.usesDirect());
        for (Replica r : List.of(viaDirect, viaNetwork)) {
            r.setListeners(List.of(new GlobalNormClipping(1.0)));
        }
        float[] start = viaNetwork.params();
        float[] state = viaNetwork.state();
        viaDirect.load(start, state, 0, 1);
        viaNetwork.load(start, state, 0, 1);
        for (int s = 0; s < 4; s++) {
            DataSet ds = SequenceBatches.toDataSet(windows(10 + s), VOCAB, RNNFormat.NWC);
            double expected = viaNetwork.fit(ds);
            assertEquals(expected, viaDirect.fit(ds), 1e-3 * expected, "loss per token at step " + s);
        }
        // The key biases' gradient is zero in exact arithmetic (softmax ignores a shift shared by
        // all keys): both paths feed Adam float noise there, and Adam turns noise into full steps.
        Map<String, INDArray> directParams = viaDirect.network().paramTable();
        Map<String, INDArray> networkParams = viaNetwork.network().paramTable();
        double moved = 0;
        double differ = 0;
        INDArray before = Nd4j.createFromArray(start);
        long offset = 0;
        for (String key : networkParams.keySet()) {
            INDArray q = networkParams.get(key).reshape(-1);
            long n = q.length();
            if (!key.endsWith("_bk")) {
                INDArray p0 = before.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(offset, offset + n));
                moved += Math.pow(q.sub(p0.reshape(q.shape())).norm2Number().doubleValue(), 2);
                differ += Math.pow(directParams.get(key).reshape(-1).sub(q).norm2Number().doubleValue(), 2);
            }
            offset += n;
        }
        assertTrue(Math.sqrt(moved) > 1e-2, "the parameters moved: " + Math.sqrt(moved));
        assertEquals(0, Math.sqrt(differ / moved), 1e-3, "parameters after 4 steps, relative to how far they moved");
        assertEquals(4, viaDirect.network().getIterationCount());
    }

    @Test
    void dropoutAndTheLstmTrainAsNetworks() {
        assertFalse(new Replica(TrainJob.modelConfiguration(config(Map.of("model.dropout", "0.1")), VOCAB, CONTEXT, 10).toJson(),
                true).usesDirect());
        assertFalse(new Replica(TrainJob.modelConfiguration(config(Map.of("model.type", "lstm")), VOCAB, CONTEXT, 10).toJson(),
                true).usesDirect());
    }
}
