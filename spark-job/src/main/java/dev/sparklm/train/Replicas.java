package dev.sparklm.train;

import dev.sparklm.model.SameDiffNoise;
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
    private static final Deque<MultiLayerNetwork> IDLE = new ArrayDeque<>();

    private Replicas() {}

    /**
     * What a replica is built from: the network configuration and the listeners of training.
     *
     * @param key identifies the model (a digest of the configuration)
     * @param gradientClip the global-norm clipping of training (0: none; evaluation needs none)
     */
    record Spec(String key, String configuration, double gradientClip) implements Serializable {
        static Spec of(MultiLayerNetwork net, double gradientClip) {
            MultiLayerConfiguration conf = net.getLayerWiseConfigurations().clone();
            conf.setIterationCount(0);   // the count changes every round; the model does not
            conf.setEpochCount(0);
            String json = conf.toJson();
            return new Spec(sha256(json), json, gradientClip);
        }
    }

    static synchronized MultiLayerNetwork borrow(Spec spec) {
        if (!spec.key().equals(currentKey)) {
            IDLE.clear();
            currentKey = spec.key();
        }
        MultiLayerNetwork net = IDLE.poll();
        if (net == null) {
            SameDiffNoise.silence();
            net = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(spec.configuration()));
            net.init();
        }
        net.setListeners(spec.gradientClip() > 0 ? List.of(new GlobalNormClipping(spec.gradientClip())) : List.of());
        return net;
    }

    static synchronized void giveBack(Spec spec, MultiLayerNetwork net) {
        if (spec.key().equals(currentKey)) {
            IDLE.push(net);
        }
    }

    private static String sha256(String s) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
