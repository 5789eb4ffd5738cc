package dev.sparklm.train;

import dev.sparklm.io.JobConfigException;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Data-parallel training by parameter averaging, one round at a time: the driver broadcasts the
 * parameters and the optimizer (Adam) state; each worker task loads them into a replica kept on
 * its executor ({@link Replicas}), fits its minibatches of the round, and returns its parameters
 * and optimizer state; a tree aggregation sums them on the executors and the driver sets the
 * network to their mean. What a round trained is counted from what the workers report.
 */
final class ParameterAveraging implements RoundTrainer {
    private final JavaSparkContext sc;
    private final MultiLayerNetwork net;
    private final Replicas.Spec spec;
    private final int batch;
    private final int vocab;
    private final RNNFormat format;
    private final long seed;
    private final long sumBytes;
    private final long maxResultSize;

    /** @param direct train a GPT through its written-out backward pass ({@link Replica}) */
    ParameterAveraging(JavaSparkContext sc, MultiLayerNetwork net, double gradientClip, boolean direct, int batch, int vocab,
                       long seed) {
        this.sc = sc;
        this.net = net;
        this.spec = Replicas.Spec.of(net, gradientClip, direct);
        this.batch = batch;
        this.vocab = vocab;
        this.format = dev.sparklm.model.LanguageModels.outputFormat(net);
        this.seed = seed;
        this.sumBytes = sumBytes(net);
        this.maxResultSize = maxResultSize(sc);
        if (maxResultSize > 0 && sumBytes > maxResultSize) {
            throw pastMaxResultSize("a round returns the model's parameters and optimizer state to the driver", sumBytes,
                    maxResultSize);
        }
    }

    static final String MAX_RESULT_SIZE = "spark.driver.maxResultSize";

    /** spark.driver.maxResultSize in bytes; 0: no limit. */
    static long maxResultSize(JavaSparkContext sc) {
        return sc.getConf().getSizeAsBytes(MAX_RESULT_SIZE, "1g");
    }

    /** What one worker's {@link Sum} takes serialized: the parameters and optimizer state as floats, and a margin. */
    static long sumBytes(MultiLayerNetwork net) {
        org.nd4j.linalg.api.ndarray.INDArray state = net.getUpdater().getStateViewArray();
        return 4 * (net.numParams() + (state == null ? 0 : state.length())) + (64 << 10);
    }

    /** The refusal of a round that would hand the driver {@code bytes}, past {@code limit}: what, and the value to set. */
    static JobConfigException pastMaxResultSize(String what, long bytes, long limit) {
        long mib = bytes / (1 << 20) + 1;
        return new JobConfigException(String.format("%s, %,d bytes, more than %s = %,d bytes allows: set it to %dm or more "
                + "(0: no limit), e.g. --conf %s=%dm", what, bytes, MAX_RESULT_SIZE, limit, mib, MAX_RESULT_SIZE, 2 * mib));
    }

    /**
     * How many partial sums Spark's tree aggregation (depth 2) hands the driver for {@code n}
     * worker partitions: it merges partitions level by level while a level saves more results
     * than it adds, which leaves about the square root of n.
     */
    static int treeResults(int n) {
        int scale = Math.max((int) Math.ceil(Math.pow(n, 1.0 / 2)), 2);
        int partitions = n;
        while (partitions > scale + Math.ceil((double) partitions / scale)) {
            partitions /= scale;
        }
        return partitions;
    }

    /**
     * Whether the round's last sum has to run on an executor, so the driver receives one sum
     * instead of {@link #treeResults}: Spark aborts an action whose results together pass
     * spark.driver.maxResultSize (1g by default), which 16 workers of a model with more than
     * 22 M parameters (and Adam's two floats each) did. Only then: it costs a shuffle a round.
     */
    static boolean sumOnExecutor(int workers, long sumBytes, long maxResultSize) {
        return maxResultSize > 0 && (long) treeResults(workers) * sumBytes > maxResultSize;
    }

    @Override
    public MultiLayerNetwork network() {
        return net;
    }

    @Override
    public Round fit(JavaRDD<int[]> round, long step, int epoch) {
        Vectors model = new Vectors(FloatArrays.copyOf(net.params()), Replica.optimizerState(net));
        Broadcast<Start> start = sc.broadcast(new Start(model, step, epoch));
        try {
            Replicas.Spec spec = this.spec;
            int batch = this.batch;
            int vocab = this.vocab;
            RNNFormat format = this.format;
            long roundSeed = dev.sparklm.io.Hashing.mix(seed, step);
            Sum sum = round.mapPartitionsWithIndex((worker, windows) -> Collections.singletonList(
                            train(spec, start.value(), windows, batch, vocab, format,
                                    dev.sparklm.io.Hashing.mix(roundSeed, worker))).iterator(), false)
                    .treeAggregate(new Sum(), Sum::add, Sum::add, 2,
                            sumOnExecutor(round.getNumPartitions(), sumBytes, maxResultSize));
            if (sum.replicas == 0) {
                return new Round(0, 0, Double.NaN, 0);
            }
            FloatArrays.copyInto(sum.mean(sum.model.params), net.params());
            Replica.setOptimizerState(net, sum.mean(sum.model.state));
            return new Round(sum.steps, sum.windows, sum.loss / sum.minibatches, sum.fitNanos);
        } finally {
            start.destroy(false);
        }
    }

    /** One worker's part of a round, on an executor. */
    static Sum train(Replicas.Spec spec, Start start, Iterator<int[]> windows, int batch, int vocab, RNNFormat format,
                     long seed) {
        Sum out = new Sum();
        if (!windows.hasNext()) {
            return out;
        }
        Replica replica = Replicas.borrow(spec);
        try {
            replica.load(start.model().params, start.model().state, start.step(), start.epoch());
            Nd4j.getRandom().setSeed(seed);   // dropout draws from the round's and worker's seed
            long t0 = System.nanoTime();
            Iterator<DataSet> batches = SequenceBatches.batches(windows, batch, vocab, format);
            while (batches.hasNext()) {
                DataSet ds = batches.next();
                out.loss += replica.fit(ds);
                out.minibatches++;
                out.windows += ds.numExamples();
            }
            out.fitNanos = System.nanoTime() - t0;
            out.replicas = 1;
            out.steps = out.minibatches;
            out.model = new Vectors(replica.params(), replica.state());
            return out;
        } finally {
            Replicas.giveBack(spec, replica);
        }
    }

    /** What every worker starts a round from. */
    record Start(Vectors model, long step, int epoch) implements Serializable {}

    /**
     * A network's parameters and optimizer state as flat vectors, serialized as raw bytes
     * ({@link FloatArrays}): 89 MB a worker and a round for the 8k-vocabulary GPT.
     */
    static final class Vectors implements Serializable {
        private static final long serialVersionUID = 1L;
        transient float[] params;
        transient float[] state;

        Vectors(float[] params, float[] state) {
            this.params = params;
            this.state = state;
        }

        private void writeObject(ObjectOutputStream out) throws IOException {
            out.defaultWriteObject();
            FloatArrays.write(out, params);
            FloatArrays.write(out, state);
        }

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            params = FloatArrays.read(in);
            state = FloatArrays.read(in);
        }
    }

    /** Sums over the workers of a round (or one worker's result). */
    static final class Sum implements Serializable {
        private static final long serialVersionUID = 1L;
        int replicas;
        long steps;          // the most minibatches one worker fitted: the round's steps
        long minibatches;
        long windows;
        double loss;         // summed mean loss per token of every minibatch
        long fitNanos;       // the longest time one worker spent fitting (building minibatches included)
        Vectors model;       // summed

        /** {@code sum / replicas}, in place. */
        float[] mean(float[] sum) {
            for (int i = 0; i < sum.length; i++) {
                sum[i] /= replicas;
            }
            return sum;
        }

        Sum add(Sum o) {
            if (o.replicas == 0) {
                return this;
            }
            if (replicas == 0) {
                return o;
            }
            replicas += o.replicas;
            steps = Math.max(steps, o.steps);
            fitNanos = Math.max(fitNanos, o.fitNanos);
            minibatches += o.minibatches;
            windows += o.windows;
            loss += o.loss;
            add(model.params, o.model.params);
            add(model.state, o.model.state);
            return this;
        }

        private static void add(float[] into, float[] values) {
            for (int i = 0; i < into.length; i++) {
                into[i] += values[i];
            }
        }
    }
}
