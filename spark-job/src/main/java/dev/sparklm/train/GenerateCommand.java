package dev.sparklm.train;

import dev.sparklm.io.CommandLineJobs;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Loads a checkpoint and continues a prompt, printing text as it is generated. */
@Command(name = "generate", mixinStandardHelpOptions = true, version = "sparklm 0.1.0", sortOptions = false,
        description = "Generates text from a checkpoint (a checkpoint directory, or a run directory for its newest).")
public final class GenerateCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", paramLabel = "PATH", defaultValue = "out/run",
            description = "checkpoint or run directory; any Hadoop URI (default: ${DEFAULT-VALUE})")
    String checkpoint;

    @Option(names = "--prompt", defaultValue = "", description = "text to continue (default: start of a document)")
    String prompt;

    @Option(names = "--max-tokens", defaultValue = "300", description = "tokens to generate at most (default: ${DEFAULT-VALUE}); fewer when the model ends the document")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "0.8", description = "0 = greedy (default: ${DEFAULT-VALUE})")
    double temperature;

    @Option(names = "--top-k", defaultValue = "0", description = "sample among the k likeliest tokens; 0 = all (default: ${DEFAULT-VALUE})")
    int topK;

    @Option(names = "--top-p", defaultValue = "1.0", description = "nucleus sampling: the likeliest tokens whose probabilities add up to p; 1 = all (default: ${DEFAULT-VALUE})")
    double topP;

    @Option(names = "--across-documents", description = "keep generating after the model ends a document "
            + "(<|endoftext|> is then printed like any token); by default generation stops there")
    boolean acrossDocuments;

    @Option(names = "--seed", defaultValue = "42", description = "sampling seed: the same seed gives the same text (default: ${DEFAULT-VALUE})")
    long seed;

    public static void main(String[] args) {
        System.exit(CommandLineJobs.execute(new GenerateCommand(), args));
    }

    @Override
    public Integer call() {
        dev.sparklm.model.SameDiffNoise.silence();
        CheckpointStore.Checkpoint c = CheckpointStore.load(checkpoint, new Configuration());
        System.err.printf("checkpoint %s: step %d, validation loss %.4f%n", c.path(), c.state().step(), c.state().validationLoss());
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        out.print(prompt);
        new TextGenerator(c.network(), c.tokenizer(), c.state().context())
                .generate(prompt, maxTokens, temperature, topK, topP, seed, !acrossDocuments, out::print);
        out.println();
        return 0;
    }
}
