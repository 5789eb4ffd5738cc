package dev.sparklm.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Weight initialization schemes for the transformer's matrices. */
enum Initialization {
    /** GPT-2: normal(0, 0.02); projections into the residual stream scaled by 1/sqrt(2 * layers). */
    GPT2,
    /** Glorot/Xavier normal: std sqrt(2 / (fan in + fan out)). */
    XAVIER,
    /** He/Kaiming normal: std sqrt(2 / fan in). */
    HE;

    static Initialization of(String name) {
        return switch (name) {
            case "gpt2" -> GPT2;
            case "xavier" -> XAVIER;
            case "he" -> HE;
            default -> throw new IllegalArgumentException("unknown initialization '" + name + "' (gpt2, xavier, he)");
        };
    }

    /** Fills a [fan in, fan out] matrix in place. */
    void fill(INDArray w, boolean residualProjection, int layers) {
        long fanIn = w.size(0);
        long fanOut = w.size(1);
        double std = switch (this) {
            case GPT2 -> residualProjection ? 0.02 / Math.sqrt(2.0 * layers) : 0.02;
            case XAVIER -> Math.sqrt(2.0 / (fanIn + fanOut));
            case HE -> Math.sqrt(2.0 / fanIn);
        };
        w.assign(Nd4j.randn(w.dataType(), w.shape()).muli(std));
    }
}
