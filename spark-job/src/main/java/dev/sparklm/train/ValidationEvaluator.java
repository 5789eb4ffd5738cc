package dev.sparklm.train;

import java.util.ArrayList;
import java.util.List;
import dev.sparklm.model.LanguageModels;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.ops.transforms.Transforms;
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
    }

    public static Result evaluate(JavaSparkContext sc, MultiLayerNetwork net, JavaRDD<int[]> windows,
                                  int batchSize, int vocabSize) {
        String conf = net.getLayerWiseConfigurations().toJson();
        RNNFormat format = LanguageModels.outputFormat(net);
        Broadcast<INDArray> params = sc.broadcast(net.params());
        try {
            Tuple2<Double, Long> total = windows.mapPartitions(it -> {
                dev.sparklm.model.SameDiffNoise.silence();
                MultiLayerNetwork replica = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(conf));
                replica.init(params.value(), true);
                double nll = 0;
                long tokens = 0;
                var batches = SequenceBatches.batches(it, batchSize, vocabSize, format);
                while (batches.hasNext()) {
                    DataSet ds = batches.next();
                    nll += negativeLogLikelihood(replica, ds);
                    tokens += ds.getFeatures().length();
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
            params.unpersist(false);
        }
    }

    /** Summed over every predicted token of the minibatch. */
    static double negativeLogLikelihood(MultiLayerNetwork net, DataSet ds) {
        INDArray probs = net.output(ds.getFeatures(), false);              // [batch, vocab, time] or [batch, time, vocab]
        int vocabDim = LanguageModels.outputFormat(net) == RNNFormat.NCW ? 1 : 2;
        INDArray correct = probs.mul(ds.getLabels()).sum(vocabDim);        // [batch, time]
        // A probability that underflowed to 0 counts as e^-69, not as an infinite loss.
        return -Transforms.log(Transforms.max(correct, 1e-30, false), false).sumNumber().doubleValue();
    }
}
