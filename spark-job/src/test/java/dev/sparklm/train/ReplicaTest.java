package dev.sparklm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparklm.model.GptGraph;
import dev.sparklm.model.StepMemory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A GPT trained as one SameDiff graph ({@link GptGraph}) must be the same model trained the same
 * way as the network layer by layer: the same loss and gradients for every parameter, and the
 * same parameters and optimizer state after several steps with clipping, Adam, warm-up and
 * weight decay.
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
    void theGraphsLossAndGradientsAreTheNetworks() {
        // No weight decay: DL4J adds it to the score (and applies it after the updater).
        MultiLayerNetwork net = new MultiLayerNetwork(TrainJob.modelConfiguration(
                config(Map.of("optimizer.weight-decay", "0")), VOCAB, CONTEXT, 10));
        net.init();
        net.setParams(Nd4j.rand(DataType.FLOAT, net.params().shape()).subi(0.5).muli(0.4));   // well above 0.02 noise
        GptGraph graph = GptGraph.of(net);
        assertTrue(graph.copies() > 0, "DL4J's column-major weights are copies");
        graph.refresh();
        DataSet ds = SequenceBatches.toDataSet(windows(1), VOCAB, RNNFormat.NWC);

        net.setInput(ds.getFeatures());
        net.setLabels(ds.getLabels());
        net.computeGradientAndScore();
        Map<String, INDArray> expected = net.gradient().gradientForVariable();
        Map<String, INDArray> actual = new LinkedHashMap<>();
        expected.forEach((key, e) -> actual.put(key, Nd4j.zeros(e.dataType(), e.shape())));
        double loss = graph.step(ds.getFeatures().castTo(DataType.INT), ds.getLabels().reshape(-1).castTo(DataType.INT), actual);

        assertEquals(net.score() * BATCH, loss, 1e-4 * loss, "DL4J's score is the sum over the minibatch's tokens / batch");
        for (String key : expected.keySet()) {
            INDArray e = expected.get(key).castTo(DataType.DOUBLE);
            INDArray a = actual.get(key).castTo(DataType.DOUBLE).reshape(e.shape());
            double scale = Math.max(1e-3, e.norm2Number().doubleValue());
            assertEquals(0, a.sub(e).norm2Number().doubleValue() / scale, 1e-3, key + ": relative difference");
        }
    }

    @Test
    void aGraphReplicaTrainsExactlyAsTheNetworkReplica() {
        String conf = TrainJob.modelConfiguration(config(Map.of()), VOCAB, CONTEXT, 10).toJson();
        Replica viaGraph = new Replica(conf, true);
        Replica viaNetwork = new Replica(conf, false);
        assertTrue(viaGraph.usesGraph());
        assertFalse(viaNetwork.usesGraph());
        for (Replica r : List.of(viaGraph, viaNetwork)) {
            r.setListeners(List.of(new GlobalNormClipping(1.0)));
        }
        float[] start = viaNetwork.params();
        float[] state = viaNetwork.state();
        viaGraph.load(start, state, 0, 1);
        viaNetwork.load(start, state, 0, 1);
        for (int s = 0; s < 4; s++) {
            DataSet ds = SequenceBatches.toDataSet(windows(10 + s), VOCAB, RNNFormat.NWC);
            double expected = viaNetwork.fit(ds);
            assertEquals(expected, viaGraph.fit(ds), 1e-3 * expected, "loss per token at step " + s);
        }
        // The key biases' gradient is zero in exact arithmetic (softmax ignores a shift shared by
        // all keys): both paths feed Adam float noise there, and Adam turns noise into full steps.
        Map<String, INDArray> graphParams = viaGraph.network().paramTable();
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
                differ += Math.pow(graphParams.get(key).reshape(-1).sub(q).norm2Number().doubleValue(), 2);
            }
            offset += n;
        }
        assertTrue(Math.sqrt(moved) > 1e-2, "the parameters moved: " + Math.sqrt(moved));
        assertEquals(0, Math.sqrt(differ / moved), 1e-3, "parameters after 4 steps, relative to how far they moved");
        assertEquals(4, viaGraph.network().getIterationCount());
    }

    @Test
    void aGraphReplicaReusesOneStepsMemoryWhicheverThreadRunsIt() throws Exception {
        Replica replica = new Replica(TrainJob.modelConfiguration(config(Map.of()), VOCAB, CONTEXT, 10).toJson(), true);
        DataSet ds = SequenceBatches.toDataSet(windows(3), VOCAB, RNNFormat.NWC);
        replica.fit(ds);
        StepMemory.Use first = replica.graphStepMemory();
        assertTrue(first.bytes() > 0 && first.allocated() < first.handedOut(),
                "arrays no op reads any more are handed out again within the step: " + first);
        // Spark runs each round on some thread of its pool.
        for (int s = 0; s < 4; s++) {
            Thread worker = new Thread(() -> replica.fit(ds));
            worker.start();
            worker.join();
        }
        StepMemory.Use after = replica.graphStepMemory();
        assertEquals(5 * first.handedOut(), after.handedOut(), "every step's arrays come from the step memory, on any thread");
        assertEquals(first.bytes(), after.bytes(), "native bytes of the step arrays after 5 steps on 5 threads");
    }

    @Test
    void dropoutAndTheLstmTrainAsNetworks() {
        assertFalse(new Replica(TrainJob.modelConfiguration(config(Map.of("model.dropout", "0.1")), VOCAB, CONTEXT, 10).toJson(),
                true).usesGraph());
        assertFalse(new Replica(TrainJob.modelConfiguration(config(Map.of("model.type", "lstm")), VOCAB, CONTEXT, 10).toJson(),
                true).usesGraph());
    }
}
