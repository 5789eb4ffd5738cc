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
        for (double t : temperatures.isEmpty() ? List.of(0.0) : temperatures) {
            String invalid = TextGenerator.invalid(maxTokens, t, topK, topP, "--max-tokens", "--temperature", "--top-k", "--top-p");
            if (invalid != null) {
                throw new JobConfigException(invalid);
            }
        }
    }
}
