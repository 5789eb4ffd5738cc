package dev.sparklm.preprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparklm.io.JobConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreprocessConfigTest {
    @TempDir
    Path tmp;

    @Test
    void defaultsComeFromConfPreprocessConf() {
        PreprocessConfig c = PreprocessConfig.load(Optional.empty(), Map.of());
        assertEquals("data/tinyshakespeare/input.txt", c.input());
        assertEquals(PreprocessConfig.InputFormat.BLANK_LINE, c.inputFormat());
        assertEquals(64, c.context());
        assertEquals(0.1, c.validationFraction());
    }

    @Test
    void fileThenSetOverridesLayerOverDefaults() throws IOException {
        Path file = Files.writeString(tmp.resolve("my.conf"), "preprocess { context = 128, output = \"/x/y\" }");
        PreprocessConfig c = PreprocessConfig.load(Optional.of(file.toFile()), Map.of("context", "256", "preprocess.input", "/data/*.txt"));
        assertEquals(256, c.context());
        assertEquals("/x/y", c.output());
        assertEquals("/data/*.txt", c.input());
    }

    @Test
    void unknownKeyIsRejectedWithItsFileAndLine() throws IOException {
        Path file = Files.writeString(tmp.resolve("typo.conf"), "preprocess {\n  contxt = 128\n}\n");
        JobConfigException e = assertThrows(JobConfigException.class,
                () -> PreprocessConfig.load(Optional.of(file.toFile()), Map.of()));
        assertTrue(e.getMessage().contains("unknown key 'preprocess.contxt'"), e.getMessage());
        assertTrue(e.getMessage().contains("typo.conf: 2"), e.getMessage());
        assertTrue(e.getMessage().contains("preprocess.context"), "lists the known keys: " + e.getMessage());

        JobConfigException cli = assertThrows(JobConfigException.class,
                () -> PreprocessConfig.load(Optional.empty(), Map.of("split.fraction", "0.2")));
        assertTrue(cli.getMessage().contains("preprocess.split.fraction") && cli.getMessage().contains("--set"), cli.getMessage());
    }

    @Test
    void wrongTypesAndAbsurdValuesNameTheKey() {
        String[][] cases = {
            {"context", "sixty-four", "preprocess.context"},
            {"context", "0", "preprocess.context = 0 is out of range"},
            {"split.validation-fraction", "0.9", "preprocess.split.validation-fraction"},
            {"input-format", "xml", "preprocess.input-format = 'xml' is not one of"},
            {"normalize.nfkc", "maybe", "preprocess.normalize.nfkc"},
        };
        for (String[] c : cases) {
            JobConfigException e = assertThrows(JobConfigException.class,
                    () -> PreprocessConfig.load(Optional.empty(), Map.of(c[0], c[1])), c[0]);
            assertTrue(e.getMessage().contains(c[2]), e.getMessage());
        }
    }

    @Test
    void missingConfigFileIsNamed() {
        JobConfigException e = assertThrows(JobConfigException.class,
                () -> PreprocessConfig.load(Optional.of(tmp.resolve("absent.conf").toFile()), Map.of()));
        assertTrue(e.getMessage().contains("absent.conf"), e.getMessage());
    }
}
