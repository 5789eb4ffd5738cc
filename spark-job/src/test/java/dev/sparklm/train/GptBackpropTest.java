package dev.sparklm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparklm.model.GptBackprop;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The hand-written forward and backward pass must compute what the network computes layer by
 * layer (DL4J's own backward pass through the SameDiff layers): the same loss and the same
 * gradient for every parameter; and it must keep its arrays from step to step.
 */
class GptBackpropTest {

    @Test
    void theStepsArraysAreAllocatedOncePerMinibatchSizeWhicheverThreadRunsIt() throws Exception {
        MultiLayerNetwork net = new MultiLayerNetwork(TrainJob.modelConfiguration(
                ReplicaTest.config(Map.of()), ReplicaTest.VOCAB, ReplicaTest.CONTEXT, 10));
        net.init();
        GptBackprop step = GptBackprop.of(net);
        Map<String, INDArray> gradients = new LinkedHashMap<>();
        net.paramTable().forEach((key, p) -> gradients.put(key, Nd4j.zeros(p.dataType(), p.shape())));
        DataSet ds = SequenceBatches.toDataSet(ReplicaTest.windows(3), ReplicaTest.VOCAB, RNNFormat.NWC);
        INDArray ids = ds.getFeatures().castTo(DataType.INT);
        INDArray next = ds.getLabels().reshape(-1).castTo(DataType.INT);
        assertEquals(0, step.bufferBytes());
        step.step(ids, next, gradients);
        long bytes = step.bufferBytes();
        assertTrue(bytes > 0, "the step's arrays exist after the first step");
        // Spark runs each round on some thread of its pool.
        for (int s = 0; s < 4; s++) {
            Thread worker = new Thread(() -> step.step(ids, next, gradients));
            worker.start();
            worker.join();
        }
        assertEquals(1, step.bufferAllocations(), "5 steps on 5 threads, one allocation");
        assertEquals(bytes, step.bufferBytes());
        // One sequence fewer (an epoch's last minibatch): new arrays, and smaller ones.
        int rows = ReplicaTest.BATCH - 1;
        step.loss(ids.get(NDArrayIndex.interval(0, rows), NDArrayIndex.all()).dup(),
                next.get(NDArrayIndex.interval(0, rows * ReplicaTest.CONTEXT)).dup());
        assertEquals(2, step.bufferAllocations());
        assertTrue(step.bufferBytes() < bytes);
    }

    @Test
    void lossAndEveryGradientAreTheNetworks() {
        MultiLayerNetwork net = new MultiLayerNetwork(TrainJob.modelConfiguration(
                ReplicaTest.config(Map.of("optimizer.weight-decay", "0")), ReplicaTest.VOCAB, ReplicaTest.CONTEXT, 10));
        net.init();
        net.setParams(Nd4j.rand(DataType.FLOAT, net.params().shape()).subi(0.5).muli(0.4));
        GptBackprop step = GptBackprop.of(net);
        assertNotNull(step);
        DataSet ds = SequenceBatches.toDataSet(ReplicaTest.windows(1), ReplicaTest.VOCAB, RNNFormat.NWC);

        net.setInput(ds.getFeatures());
        net.setLabels(ds.getLabels());
        net.computeGradientAndScore();
        Map<String, INDArray> expected = net.gradient().gradientForVariable();
        Map<String, INDArray> actual = new LinkedHashMap<>();
        expected.forEach((key, e) -> actual.put(key, Nd4j.zeros(e.dataType(), e.shape())));
        INDArray ids = ds.getFeatures().castTo(DataType.INT);
        INDArray next = ds.getLabels().reshape(-1).castTo(DataType.INT);
        double loss = step.step(ids, next, actual);

        double networkLoss = net.score() * ReplicaTest.BATCH;
        assertEquals(networkLoss, loss, 1e-4 * networkLoss, "the loss summed over the minibatch's tokens");
        assertEquals(loss, step.loss(ids, next), 1e-6 * loss, "the forward pass alone");
        for (String key : expected.keySet()) {
            INDArray e = expected.get(key).castTo(DataType.DOUBLE);
            INDArray a = actual.get(key).castTo(DataType.DOUBLE).reshape(e.shape());
            double scale = Math.max(1e-3, e.norm2Number().doubleValue());
            assertEquals(0, a.sub(e).norm2Number().doubleValue() / scale, 1e-3, key + ": relative difference");
        }
    }
}
