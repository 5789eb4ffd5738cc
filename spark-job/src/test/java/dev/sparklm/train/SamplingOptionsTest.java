package dev.sparklm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparklm.io.CommandLineJobs;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A bad sampling option is refused with its name and value before any checkpoint is read: the
 * checkpoint below does not exist, so a check after loading would report that instead.
 */
class SamplingOptionsTest {
    private static final String MISSING = "/nonexistent/sparklm-run";

    /** Runs a command line; returns what it printed to stderr, after checking it exited with a usage error. */
    private static String usageError(Object command, String... args) {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int code;
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            code = CommandLineJobs.execute(command, args);
        } finally {
            System.setErr(err);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        assertEquals(CommandLineJobs.USAGE_ERROR, code, text);
        return text;
    }

    private static String refusal(Object command, String... args) {
        String text = usageError(command, args);
        assertTrue(text.startsWith("error: ") && !text.contains(MISSING) && !text.contains("\tat "), text);
        return text;
    }

    @Test
    void generateNamesTheBadOption() {
        assertTrue(refusal(new GenerateCommand(), "--checkpoint", MISSING, "--temperature", "-1")
                .contains("--temperature must be a number >= 0 (0 = greedy), got -1.0"));
        assertTrue(refusal(new GenerateCommand(), "--checkpoint", MISSING, "--temperature", "NaN").contains("--temperature"));
        assertTrue(refusal(new GenerateCommand(), "--checkpoint", MISSING, "--top-p", "0").contains("--top-p must be in (0, 1]"));
        assertTrue(refusal(new GenerateCommand(), "--checkpoint", MISSING, "--top-p", "1.5").contains("got 1.5"));
        assertTrue(refusal(new GenerateCommand(), "--checkpoint", MISSING, "--top-k", "-2").contains("--top-k"));
        assertTrue(refusal(new GenerateCommand(), "--checkpoint", MISSING, "--max-tokens", "-5").contains("--max-tokens"));
    }

    @Test
    void inspectModelChecksEveryTemperature() {
        assertTrue(refusal(new InspectCommand(), "model", "--checkpoint", MISSING, "--temperature", "0,0.7,-0.1")
                .contains("got -0.1"));
    }

    @Test
    void goodOptionsGetAsFarAsTheCheckpoint() {
        // Control: with sound options the same command fails on the missing checkpoint, named.
        String text = usageError(new GenerateCommand(),
                "--checkpoint", MISSING, "--temperature", "0", "--top-p", "1", "--top-k", "0", "--max-tokens", "0");
        assertTrue(text.contains(MISSING), text);
    }
}
