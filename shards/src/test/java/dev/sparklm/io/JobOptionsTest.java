package dev.sparklm.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

class JobOptionsTest {
    @Command(name = "job")
    static final class Job {
        @Mixin
        JobOptions options = new JobOptions();

        @Option(names = "--input")
        String input;

        Map<String, String> resolved() {
            Map<String, String> shorthands = new LinkedHashMap<>();
            shorthands.put("input", input);
            return options.overrides(shorthands);
        }
    }

    @Test
    void setKeysInOrderAndAGivenShorthandWinsOverSet() {
        Job job = new Job();
        new CommandLine(job).parseArgs("-c", "my.conf", "--set", "input=a", "-s", "context=128", "--input", "b");
        assertEquals(Optional.of(new File("my.conf")), job.options.configFile());
        assertEquals(Map.of("input", "b", "context", "128"), job.resolved());
        assertEquals(java.util.List.of("input", "context"), java.util.List.copyOf(job.resolved().keySet()));

        Job noShorthand = new Job();
        new CommandLine(noShorthand).parseArgs("--set", "input=a");
        assertEquals(Map.of("input", "a"), noShorthand.resolved(), "an option not given leaves --set's value");
        assertEquals(Optional.empty(), noShorthand.options.configFile());
    }

    @Test
    void helpListsTheSharedOptions() {
        String usage = new CommandLine(new Job()).getUsageMessage();
        assertTrue(usage.contains("--config=FILE") && usage.contains("--set=KEY=VALUE"), usage);
    }
}
