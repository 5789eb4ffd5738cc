package dev.sparklm.train;

import dev.sparklm.io.JobConfigException;
import java.util.List;
import picocli.CommandLine.Option;

/** How the next token is drawn ({@code @Mixin} of generate and inspect model): see {@link TextGenerator}. */
final class SamplingOptions {
    @Option(names = "--top-k", defaultValue = "0",
            description = "sample among the k likeliest tokens; 0 = all (default: ${DEFAULT-VALUE})")
    int topK;

    @Option(names = "--top-p", defaultValue = "1.0", description = "nucleus sampling: the likeliest tokens whose "
            + "probabilities add up to p; 1 = all (default: ${DEFAULT-VALUE})")
    double topP;

    @Option(names = "--seed", defaultValue = "42",
            description = "sampling seed: the same seed gives the same text (default: ${DEFAULT-VALUE})")
    long seed;

    /**
     * Refuses a bad value before any checkpoint is loaded, naming its option: the generator's own
     * check came after seconds of loading and named none.
     */
    void check(int maxTokens, List<Double> temperatures) {
        if (maxTokens < 0) {
            throw new JobConfigException("--max-tokens must be 0 or more, got " + maxTokens);
        }
        for (double t : temperatures) {
            if (!(t >= 0) || Double.isInfinite(t)) {
                throw new JobConfigException("--temperature must be a number >= 0 (0 = greedy), got " + t);
            }
        }
        if (topK < 0) {
            throw new JobConfigException("--top-k must be 0 (all tokens) or more, got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new JobConfigException("--top-p must be in (0, 1] (1 = all tokens), got " + topP);
        }
    }
}
