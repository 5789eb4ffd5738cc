package dev.sparklm.tokenizer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerCliTest {
    @TempDir
    Path tmp;

    record Outcome(int code, String out, String err) {}

    static Outcome run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            int code = TokenizerCli.run(args);
            return new Outcome(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void trainEncodeDecodeInspect() throws Exception {
        Path corpus = Path.of("..", "data", "tinyshakespeare", "input.txt");
        Path dir = tmp.resolve("tok");
        Outcome train = run("train", "--vocab-size", "500", "-o", dir.toString(), corpus.toString());
        assertEquals(0, train.code(), train.err());
        assertTrue(Files.exists(dir.resolve("tokenizer.json")) && Files.exists(dir.resolve("vocab.json"))
                && Files.exists(dir.resolve("merges.txt")));

        // Invalid UTF-8 is replaced and reported, not fatal.
        Path text = Files.write(tmp.resolve("in.txt"), "To be, or not to be: caf\u00e9 \u00ff".getBytes(StandardCharsets.UTF_8));
        byte[] withBadByte = Files.readAllBytes(text);
        withBadByte[withBadByte.length - 1] = (byte) 0xFF;
        Files.write(text, withBadByte);
        Outcome encoded = run("encode", "-t", dir.toString(), text.toString());
        assertEquals(0, encoded.code(), encoded.err());
        // C3 (a truncated sequence) and FF: two replacements.
        assertTrue(encoded.err().contains("2 invalid UTF-8 sequence(s) replaced"), encoded.err());

        Path ids = Files.writeString(tmp.resolve("ids.txt"), encoded.out());
        Outcome decoded = run("decode", "-t", dir.resolve("tokenizer.json").toString(), ids.toString());
        assertEquals(0, decoded.code(), decoded.err());
        assertEquals(new String(withBadByte, StandardCharsets.UTF_8), decoded.out());

        Outcome inspect = run("inspect", "-t", dir.toString(), "--sample", "Romeo");
        assertTrue(inspect.out().contains("vocabulary:  500 tokens") && inspect.out().contains("merges:"), inspect.out());
    }

    @Test
    void missingTokenizerAndBadIdsAreUsageErrors() throws Exception {
        Outcome missing = run("encode", "-t", tmp.resolve("nope").toString(), "-");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("nope: no such file or directory"), missing.err());
        Outcome noText = run("train", "-o", tmp.resolve("o").toString(), tmp.resolve("absent.txt").toString());
        assertEquals(2, noText.code());
        assertTrue(noText.err().equals("error: " + tmp.resolve("absent.txt") + ": no such file or directory\n"), noText.err());

        Path dir = tmp.resolve("tok");
        run("train", "--vocab-size", "300", "-o", dir.toString(), Path.of("..", "data", "tinyshakespeare", "input.txt").toString());
        Path ids = Files.writeString(tmp.resolve("ids.txt"), "72 x9 10");
        Outcome bad = run("decode", "-t", dir.toString(), ids.toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("'x9' is not a token id"), bad.err());
    }
}
