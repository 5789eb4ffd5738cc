package dev.sparklm.preprocess;

import dev.sparklm.io.Hashing;
import dev.sparklm.shards.ShardManifest;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Puts a document in the train, validation or test split by a hash of a key and the seed: the
 * job gives it the document's id field when the input has one, else its cleaned text, so the
 * split is the same across runs, cluster layouts, input locations and added files. It runs after
 * deduplication, so a document and its duplicates cannot straddle splits.
 */
public final class SplitAssigner implements Serializable {

    private final double validationFraction;
    private final double testFraction;
    private final long seed;

    public SplitAssigner(double validationFraction, double testFraction, long seed) {
        this.validationFraction = validationFraction;
        this.testFraction = testFraction;
        this.seed = seed;
    }

    public String splitOf(String key) {
        double u = unitInterval(key);
        return u < validationFraction ? ShardManifest.VALIDATION
                : u < validationFraction + testFraction ? ShardManifest.TEST : ShardManifest.TRAIN;
    }

    /** A uniform value in [0, 1) from SHA-256(seed, id): stable, unlike String.hashCode mixing. */
    double unitInterval(String document) {
        MessageDigest sha = Hashing.sha256();
        for (int i = 0; i < 8; i++) {
            sha.update((byte) (seed >>> (8 * i)));
        }
        byte[] d = sha.digest(document.getBytes(StandardCharsets.UTF_8));
        long bits = 0;
        for (int i = 0; i < 7; i++) {
            bits = (bits << 8) | (d[i] & 0xFF);
        }
        return (bits >>> 3) / (double) (1L << 53); // 53 random bits -> [0, 1)
    }
}
