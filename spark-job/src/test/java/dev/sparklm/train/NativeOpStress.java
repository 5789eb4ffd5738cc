package dev.sparklm.train;

import dev.sparklm.model.LstmLanguageModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Evaluates two LSTM replicas from short-lived threads, as Spark's task threads do, while another
 * thread keeps the young generation collecting: the conditions under which ND4J M2.1 crashed the
 * JVM (NativeOpReachabilityTest). Prints the number of evaluations; usage: NativeOpStress SECONDS.
 */
public final class NativeOpStress {
    static volatile Object sink;

    public static void main(String[] args) throws Exception {
        long end = System.nanoTime() + Long.parseLong(args[0]) * 1_000_000_000L;
        int vocab = 67;
        int context = 64;
        MultiLayerConfiguration conf = LstmLanguageModel.configuration(new LstmLanguageModel.Shape(vocab, 16, 64, 0.0),
                new NeuralNetConfiguration.Builder().seed(1).updater(new Adam(1e-3)));
        BlockingQueue<MultiLayerNetwork> replicas = new ArrayBlockingQueue<>(2);
        for (int i = 0; i < 2; i++) {
            MultiLayerNetwork net = new MultiLayerNetwork(conf.clone());
            net.init();
            replicas.add(net);
        }
        Random random = new Random(1);
        List<int[]> windows = new ArrayList<>();
        for (int b = 0; b < 8; b++) {
            windows.add(random.ints(context + 1, 0, vocab).toArray());
        }
        AtomicLong evaluations = new AtomicLong();
        Thread garbage = new Thread(() -> {
            while (System.nanoTime() < end) {
                byte[][] junk = new byte[64][];
                for (int i = 0; i < junk.length; i++) {
                    junk[i] = new byte[16_384];
                }
                sink = junk;
            }
        });
        garbage.start();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            Thread worker = new Thread(() -> {
                while (System.nanoTime() < end) {
                    Thread task = new Thread(() -> {   // a fresh thread now and then, as Spark's come and go
                        for (int k = 0; k < 20 && System.nanoTime() < end; k++) {
                            MultiLayerNetwork net;
                            try {
                                net = replicas.take();
                            } catch (InterruptedException e) {
                                return;
                            }
                            try {
                                ValidationEvaluator.negativeLogLikelihood(net, SequenceBatches.toDataSet(windows, vocab, RNNFormat.NCW));
                                evaluations.incrementAndGet();
                            } finally {
                                replicas.add(net);
                            }
                        }
                    });
                    task.start();
                    try {
                        task.join();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            worker.start();
            workers.add(worker);
        }
        for (Thread t : workers) {
            t.join();
        }
        garbage.join();
        System.out.println("evaluations " + evaluations.get());
    }
}
