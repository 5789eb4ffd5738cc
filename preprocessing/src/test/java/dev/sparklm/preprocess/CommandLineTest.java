package dev.sparklm.preprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparklm.io.CommandLineJobs;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What a user sees when the command line or configuration is wrong: exit code 2 and one line. */
class CommandLineTest {
    record Outcome(int exitCode, String err) {}

    static Outcome run(Object command, String... args) {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = CommandLineJobs.execute(command, args);
            return new Outcome(code, err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(saved);
        }
    }

    @Test
    void unknownKeyExitsWithUsageErrorNamingIt() {
        Outcome o = run(new PreprocessJob(), "--set", "contxt=128");
        assertEquals(CommandLineJobs.USAGE_ERROR, o.exitCode());
        assertTrue(o.err().startsWith("error: unknown key 'preprocess.contxt'"), o.err());
    }

    @Test
    void wrongTypeExitsWithUsageErrorNamingTheKey() {
        Outcome o = run(new PreprocessJob(), "--set", "split.validation-fraction=lots");
        assertEquals(CommandLineJobs.USAGE_ERROR, o.exitCode());
        assertTrue(o.err().contains("preprocess.split.validation-fraction"), o.err());
    }

    @Test
    void missingConfigFileAndUnknownOptionAreUsageErrors() {
        Outcome file = run(new PreprocessJob(), "--config", "/no/such/file.conf");
        assertEquals(CommandLineJobs.USAGE_ERROR, file.exitCode());
        assertTrue(file.err().contains("/no/such/file.conf"), file.err());

        Outcome option = run(new PreprocessJob(), "--frobnicate");
        assertEquals(CommandLineJobs.USAGE_ERROR, option.exitCode());
        assertTrue(option.err().contains("--frobnicate"), option.err());
    }
}
