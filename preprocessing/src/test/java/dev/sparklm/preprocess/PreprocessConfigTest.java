package dev.sparklm.preprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparklm.io.JobConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        assertEquals(dev.sparklm.preprocess.read.ReaderOptions.Format.BLANK_LINE, c.inputFormat());
        assertEquals(64, c.context());
        assertEquals(0.1, c.split().validationFraction());
        // The filters are on by default; the html stage only runs for HTML input.
        List<String> names = c.stages().stream().map(DocumentStage::name).toList();
        assertEquals(List.of("normalize", "length", "language", "gopher-repetition", "gopher-quality", "c4", "pii"), names);
        PreprocessConfig html = PreprocessConfig.load(Optional.empty(), Map.of("input-format", "html"));
        assertEquals("html", html.stages().get(0).name());
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
            {"clean.nfkc", "maybe", "preprocess.clean.nfkc"},
            {"clean.html", "yes", "preprocess.clean.html = 'yes' is not one of auto, on, off"},
            {"filters.gopher-repetition.max-top-ngram-char-fraction", "[0.2]", "has 1 values; it needs 3"},
            {"filters.language.allowed", "[]", "preprocess.filters.language.allowed is empty"},
            {"filters.language.allowed", "[en]", "preprocess.filters.language.allowed: \"en\" (did you mean \"eng\"?) is not a language"},
            {"dedup.near.bands", "0", "preprocess.dedup.near.bands = 0 is out of range"},
            {"fields.text", "\"\"", "preprocess.fields.text is empty"},
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
