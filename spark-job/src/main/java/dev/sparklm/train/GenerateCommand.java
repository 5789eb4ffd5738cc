package dev.sparklm.train;

import dev.sparklm.io.CommandLineJobs;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Loads a checkpoint and continues a prompt, printing text as it is generated. */
@Command(name = "generate", mixinStandardHelpOptions = true, version = CommandLineJobs.VERSION, sortOptions = false,
        description = "Generates text from a checkpoint (a checkpoint directory, or a run directory for its newest).")
public final class GenerateCommand implements Callable<Integer> {
    @Mixin
    CheckpointOption checkpoint = new CheckpointOption();

    @Option(names = "--prompt", defaultValue = "", description = "text to continue (default: start of a document)")
    String prompt;

    @Option(names = "--max-tokens", defaultValue = "300", description = "tokens to generate at most (default: ${DEFAULT-VALUE}); fewer when the model ends the document")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "0.8", description = "0 = greedy (default: ${DEFAULT-VALUE})")
    double temperature;

    @Option(names = "--across-documents", description = "keep generating after the model ends a document "
            + "(<|endoftext|> is then printed like any token); by default generation stops there")
    boolean acrossDocuments;

    @Mixin
    SamplingOptions sampling = new SamplingOptions();

    public static void main(String[] args) {
        System.exit(CommandLineJobs.execute(new GenerateCommand(), args));
    }

    @Override
    public Integer call() {
        sampling.check(maxTokens, java.util.List.of(temperature));
        CheckpointStore.Checkpoint c = checkpoint.load(new Configuration());
        System.err.printf("checkpoint %s: step %d, validation loss %.4f%n", c.path(), c.state().step(), c.state().validationLoss());
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        out.print(prompt);
        new TextGenerator(c.network(), c.tokenizer(), c.state().context())
                .generate(prompt, maxTokens, temperature, sampling.topK, sampling.topP, sampling.seed, !acrossDocuments,
                        out::print);
        out.println();
        return 0;
    }
}
