package dev.sparklm.train;

import dev.sparklm.io.LocalSpark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.impl.LossSparseMCXENT;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

/**
 * The learning-rate schedule runs on the Spark workers at the global step the driver sets:
 * with a rate of 0 before step 1000, a round from step 0 must leave the parameters exactly as
 * they were, and a round from step 1000 must change them. Both averaging implementations.
 */
class ScheduleOnWorkersTest {
    @Test
    void sparklmWorkersSeeTheIterationCountTheDriverSets() {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(LocalSpark.get().sparkContext());
        check(sc, net -> new ParameterAveraging(sc, net, 0, true, 8, 10, 1));
    }

    @Test
    void dl4jWorkersSeeTheIterationCountTheDriverSets() {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(LocalSpark.get().sparkContext());
        check(sc, net -> new Dl4jAveraging(new SparkDl4jMultiLayer(sc, net, new ParameterAveragingTrainingMaster.Builder(2, 8)
                .batchSizePerWorker(8).averagingFrequency(2).rddTrainingApproach(RDDTrainingApproach.Direct).build()),
                2, 8, 10, 8));
    }

    private static void check(JavaSparkContext sc, java.util.function.Function<MultiLayerNetwork, RoundTrainer> trainer) {
        MapSchedule rate = new MapSchedule(ScheduleType.ITERATION, Map.of(0, 0.0, 1000, 0.01));
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).updater(new Adam(rate)).list()
                .layer(new EmbeddingSequenceLayer.Builder().nIn(10).nOut(4).outputDataFormat(RNNFormat.NCW).build())
                .layer(new RnnOutputLayer.Builder(new LossSparseMCXENT()).nIn(4).nOut(10)
                        .activation(Activation.SOFTMAX).dataFormat(RNNFormat.NCW).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        Random r = new Random(2);
        List<int[]> windows = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            windows.add(r.ints(9, 0, 10).toArray());
        }
        JavaRDD<int[]> round = sc.parallelize(windows, 2);   // two workers, 4 minibatches of 8 each
        RoundTrainer t = trainer.apply(net);

        INDArray before = t.network().params().dup();
        RoundTrainer.Round first = t.fit(round, 0, 1);
        assertEquals(4, first.steps());
        assertEquals(64, first.windows());
        assertEquals(before, t.network().params(), "rate 0 before step 1000: nothing moves");

        t.fit(round, 1000, 1);
        assertNotEquals(before, t.network().params(), "rate 0.01 from step 1000: the workers trained");
    }
}
