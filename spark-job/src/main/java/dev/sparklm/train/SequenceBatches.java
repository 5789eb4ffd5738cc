package dev.sparklm.train;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Turns packed windows of {@code context + 1} ids into DL4J minibatches: features are the
 * first {@code context} ids ([batch, context]), labels the next id at every position as a class
 * index, [batch, 1, context] (NCW, the LSTM) or [batch, context, 1] (NWC, the transformer), so
 * position t learns to predict id t + 1. The labels are sparse (the models' output layers use
 * {@code LossSparseMCXENT}): one-hot labels would be [batch, context, vocab] floats, 1 GiB per
 * minibatch at a 32k vocabulary, context 256 and batch 32.
 */
public final class SequenceBatches {
    private SequenceBatches() {}

    public static DataSet toDataSet(List<int[]> windows, int vocabSize) {
        return toDataSet(windows, vocabSize, RNNFormat.NCW);
    }

    public static DataSet toDataSet(List<int[]> windows, int vocabSize, RNNFormat format) {
        int batch = windows.size();
        int context = windows.get(0).length - 1;
        float[] features = new float[batch * context];
        float[] labels = new float[batch * context];
        for (int b = 0; b < batch; b++) {
            int[] w = windows.get(b);
            if (w.length != context + 1) {
                throw new IllegalArgumentException("window of " + w.length + " ids in a batch of " + (context + 1));
            }
            for (int t = 0; t <= context; t++) {
                if (w[t] < 0 || w[t] >= vocabSize) {
                    throw new IllegalArgumentException("token id " + w[t] + " outside the vocabulary of " + vocabSize);
                }
            }
            for (int t = 0; t < context; t++) {
                features[b * context + t] = w[t];
                labels[b * context + t] = w[t + 1];   // [b, 1, t] and [b, t, 1] have the same layout
            }
        }
        INDArray f = Nd4j.create(features, new long[] {batch, context}, DataType.FLOAT);
        long[] shape = format == RNNFormat.NCW ? new long[] {batch, 1, context} : new long[] {batch, context, 1};
        INDArray l = Nd4j.create(labels, shape, DataType.FLOAT);
        return new DataSet(f, l);
    }

    /** Groups windows into minibatches of {@code batchSize} (the last one may be smaller). */
    public static Iterator<DataSet> batches(Iterator<int[]> windows, int batchSize, int vocabSize, RNNFormat format) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return windows.hasNext();
            }

            @Override
            public DataSet next() {
                List<int[]> batch = new ArrayList<>(batchSize);
                while (batch.size() < batchSize && windows.hasNext()) {
                    batch.add(windows.next());
                }
                return toDataSet(batch, vocabSize, format);
            }
        };
    }
}
