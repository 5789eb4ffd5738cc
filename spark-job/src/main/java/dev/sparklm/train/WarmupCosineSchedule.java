package dev.sparklm.train;

import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * nanoGPT's learning rate: linear warm-up from 0 to {@code max} over {@code warmup} steps, then
 * cosine decay to {@code min} at {@code total} steps, {@code min} after. Part of the network's
 * configuration (so checkpoints and Spark workers carry it); the iteration is the global step,
 * which the driver sets on the network before each round of parameter averaging.
 */
public class WarmupCosineSchedule implements ISchedule {
    @JsonProperty private double max;
    @JsonProperty private double min;
    @JsonProperty private int warmup;
    @JsonProperty private long total;
    @JsonProperty private boolean cosine;

    /** For DL4J's JSON deserialization. */
    public WarmupCosineSchedule() {}

    public WarmupCosineSchedule(double max, double min, int warmup, long total, boolean cosine) {
        this.max = max;
        this.min = min;
        this.warmup = warmup;
        this.total = total;
        this.cosine = cosine;
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        if (iteration < warmup) {
            return max * (iteration + 1) / warmup;
        }
        if (!cosine) {
            return max;
        }
        if (iteration >= total) {
            return min;
        }
        double progress = (iteration - warmup) / (double) Math.max(1, total - warmup);
        return min + 0.5 * (1 + Math.cos(Math.PI * progress)) * (max - min);
    }

    @Override
    public ISchedule clone() {
        return new WarmupCosineSchedule(max, min, warmup, total, cosine);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WarmupCosineSchedule s && s.max == max && s.min == min && s.warmup == warmup
                && s.total == total && s.cosine == cosine;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(max, min, warmup, total, cosine);
    }
}
