package dev.sparklm.train;

import dev.sparklm.model.SameDiffNoise;
import org.apache.spark.api.java.JavaRDD;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.nd4j.linalg.dataset.DataSet;

/**
 * A round through DL4J's own {@code ParameterAveragingTrainingMaster} ({@code train.spark.averaging
 * = dl4j}): it repartitions the round's minibatches over the workers and rebuilds every replica
 * from the configuration each round. DL4J reports no count of what it fitted, so the round's
 * steps are computed from the window count as DL4J splits them.
 */
final class Dl4jAveraging implements RoundTrainer {
    private final SparkDl4jMultiLayer sparkNet;
    private final int workers;
    private final int batch;
    private final int vocab;
    private final int context;
    private final RNNFormat format;

    Dl4jAveraging(SparkDl4jMultiLayer sparkNet, int workers, int batch, int vocab, int context) {
        this.context = context;
        this.sparkNet = sparkNet;
        this.workers = workers;
        this.batch = batch;
        this.vocab = vocab;
        this.format = dev.sparklm.model.LanguageModels.outputFormat(sparkNet.getNetwork());
    }

    SparkDl4jMultiLayer sparkNet() {
        return sparkNet;
    }

    @Override
    public MultiLayerNetwork network() {
        return sparkNet.getNetwork();
    }

    @Override
    public Round fit(JavaRDD<int[]> windows, long step, int epoch) {
        int batch = this.batch;
        int vocab = this.vocab;
        RNNFormat format = this.format;
        long count = windows.count();
        JavaRDD<DataSet> minibatches = windows.mapPartitions(it -> {
            SameDiffNoise.silence(); // on the executors, where the workers train
            return SequenceBatches.batches(it, batch, vocab, format);
        });
        // Workers are rebuilt from this configuration each round: the global step makes the
        // learning-rate schedule continue where the last round ended.
        sparkNet.getNetwork().getLayerWiseConfigurations().setIterationCount((int) step);
        sparkNet.fit(minibatches);
        long steps = TrainJob.ceilDiv(TrainJob.ceilDiv(count, batch), workers);
        return new Round(steps, count, sparkNet.getScore() / context, 0);   // DL4J's score sums over time steps
    }
}
