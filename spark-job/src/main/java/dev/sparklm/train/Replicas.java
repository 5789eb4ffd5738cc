package dev.sparklm.train;

import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * The model replicas of one executor JVM, kept between averaging rounds and evaluations. Building
 * a network from its configuration costs far more than a round of a small model (DL4J's own
 * averaging master rebuilds every replica every round); here a task borrows a built replica and
 * loads the round's parameters into it. One replica per concurrently running task; a new model
 * (another run in the same JVM) replaces the old ones.
 */
final class Replicas {
    private static String currentKey;
    private static final Deque<Replica> IDLE = new ArrayDeque<>();            // networks only
    private static final Deque<Replica> IDLE_DIRECT = new ArrayDeque<>();     // with a GptBackprop

    private Replicas() {}

    /**
     * What a replica is built from: the network configuration and the listeners of training.
     *
     * @param key identifies the model (a digest of the configuration)
     * @param gradientClip the global-norm clipping of training (0: none; evaluation needs none)
     * @param direct       train a GPT through its written-out backward pass ({@code train.spark.replica = direct})
     */
    record Spec(String key, String configuration, double gradientClip, boolean direct) implements Serializable {
        static Spec of(MultiLayerNetwork net, double gradientClip, boolean direct) {
            MultiLayerConfiguration conf = net.getLayerWiseConfigurations().clone();
            conf.setIterationCount(0);   // the count changes every round; the model does not
            conf.setEpochCount(0);
            String json = conf.toJson();
            return new Spec(CheckpointStore.sha256Hex(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)), json,
                    gradientClip, direct);
        }
    }

    static Replica borrow(Spec spec) {
        Replica replica;
        synchronized (Replicas.class) {
            if (!spec.key().equals(currentKey)) {
                IDLE.clear();
                IDLE_DIRECT.clear();
                currentKey = spec.key();
            }
            replica = (spec.direct() ? IDLE_DIRECT : IDLE).poll();
        }
        if (replica == null) {
            replica = new Replica(spec.configuration(), spec.direct());   // outside the lock: seconds for a GPT
        }
        replica.setListeners(spec.gradientClip() > 0 ? List.of(new GlobalNormClipping(spec.gradientClip())) : List.of());
        return replica;
    }

    static synchronized void giveBack(Spec spec, Replica replica) {
        if (spec.key().equals(currentKey)) {
            (spec.direct() ? IDLE_DIRECT : IDLE).push(replica);
        }
    }
}
