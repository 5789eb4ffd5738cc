package dev.sparklm.train;

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
}
