package dev.sparklm.train;

import java.util.ArrayList;
import java.util.List;
import dev.sparklm.model.LanguageModels;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import scala.Tuple2;

/**
 * Mean negative log-likelihood per predicted token (nats) of a model on a split, computed on
 * the executors from a broadcast of the parameters. Computed here rather than with DL4J's
 * score, whose scaling (per example, summed over time, plus regularization) is not a loss per
 * token.
 */
public final class ValidationEvaluator {
    private ValidationEvaluator() {}

    public record Result(double loss, long tokens) {
        public double perplexity() {
            return Math.exp(loss);
        }

        /** @param bytes the UTF-8 bytes of the text the scored targets stand for */
        public double bitsPerByte(long bytes) {
            return ValidationEvaluator.bitsPerByte(loss, tokens, bytes);
        }
    }

    /**
     * The summed loss in bits over the bytes of the text the targets stand for.
     *
     * @param loss mean nats per target over {@code tokens} targets
     */
    static double bitsPerByte(double loss, long tokens, long bytes) {
        return loss * tokens / Math.log(2) / bytes;
    }

    /**
     * @param direct score a GPT with its written-out forward pass ({@link dev.sparklm.model.GptBackprop}),
     *               as training does with {@code train.spark.replica = direct}: the replicas training
     *               keeps serve evaluation too, and that forward pass costs less than the network's
     */
    public static Result evaluate(JavaSparkContext sc, MultiLayerNetwork net, JavaRDD<int[]> windows,
                                  int batchSize, int vocabSize, boolean direct) {
        Replicas.Spec spec = Replicas.Spec.of(net, 0, direct);
        RNNFormat format = LanguageModels.outputFormat(net);
        Broadcast<float[]> params = sc.broadcast(FloatArrays.copyOf(net.params()));
        try {
            Tuple2<Double, Long> total = windows.mapPartitions(it -> {
                double nll = 0;
                long tokens = 0;
                if (it.hasNext()) {
                    Replica replica = Replicas.borrow(spec);
                    try {
                        replica.load(params.value());
                        var batches = SequenceBatches.batches(it, batchSize, vocabSize, format);
                        while (batches.hasNext()) {
                            DataSet ds = batches.next();
                            nll += replica.negativeLogLikelihood(ds);
                            tokens += ds.getFeatures().length();
                        }
                    } finally {
                        Replicas.giveBack(spec, replica);
                    }
                }
                List<Tuple2<Double, Long>> one = new ArrayList<>();
                one.add(new Tuple2<>(nll, tokens));
                return one.iterator();
            }).reduce((a, b) -> new Tuple2<>(a._1() + b._1(), a._2() + b._2()));
            if (total._2() == 0) {
                throw new IllegalArgumentException("no sequences to evaluate on");
            }
            return new Result(total._1() / total._2(), total._2());
        } finally {
            params.destroy(false);
        }
    }

    /** Summed over every predicted token of the minibatch (sparse labels: the next ids). */
    static double negativeLogLikelihood(MultiLayerNetwork net, DataSet ds) {
        INDArray probs = net.output(ds.getFeatures(), false);              // [batch, vocab, time] or [batch, time, vocab]
        boolean ncw = LanguageModels.outputFormat(net) == RNNFormat.NCW;
        long batch = probs.size(0);
        long time = probs.size(ncw ? 2 : 1);
        INDArray next = ds.getLabels();                                     // [b, 1, t] or [b, t, 1]
        double nll = 0;
        // One element read per target: copying the [batch, time, vocab] probabilities to the heap
        // would cost more than the forward pass at a large vocabulary.
        for (long b = 0; b < batch; b++) {
            for (long t = 0; t < time; t++) {
                long id = ncw ? next.getLong(b, 0, t) : next.getLong(b, t, 0);
                float q = ncw ? probs.getFloat(b, id, t) : probs.getFloat(b, t, id);
                // A probability that underflowed to 0 counts as e^-69, not as an infinite loss.
                nll -= Math.log(Math.max(q, 1e-30));
            }
        }
        probs.close();
        return nll;
    }
}
