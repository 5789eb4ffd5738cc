package dev.sparklm.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.EncodingType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Inputs that break naive implementations: one huge chunk, one huge line; and the cl100k pattern. */
class LargeInputTest {
    @Test
    void eightMegabyteChunkWithoutSpacesEncodesInOnePassAndRoundTrips() {
        // One pre-token of 8 MB: the heap merge is O(n log n) and nothing recurses.
        StringBuilder sb = new StringBuilder(8_000_000);
        java.util.Random r = new java.util.Random(3);
        while (sb.length() < 8_000_000) {
            sb.append((char) ('a' + r.nextInt(26)));
        }
        String chunk = sb.toString();
        int[] ids = Gpt2Reference.GPT2.encode(chunk);
        assertEquals(chunk, Gpt2Reference.GPT2.decode(ids));
        String head = chunk.substring(0, 20_000);
        assertArrayEquals(Gpt2Reference.jtokkit(head), Gpt2Reference.GPT2.encode(head));
    }

    @Test
    void longLineWithTheRegexPatternDoesNotOverflowTheStack() {
        String line = "word, another; 123 and more!? ".repeat(100_000); // 3 MB, no newline
        ByteLevelBpeTokenizer bytesOnly = BpeTrainer.train(Map.of(), new BpeTrainer.Options(257, 1,
                java.util.List.of(Tokenizer.END_OF_TEXT), PreTokenizer.CL100K));
        assertEquals(line.length(), bytesOnly.encode(line).length);
    }

    @Test
    void cl100kPatternMatchesJtokkitsCl100kBase() throws IOException {
        String ranks;
        try (InputStream in = com.knuddels.jtokkit.api.Encoding.class.getResourceAsStream("/com/knuddels/jtokkit/cl100k_base.tiktoken")) {
            ranks = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
        ByteLevelBpeTokenizer cl100k = TiktokenFormat.read(ranks, "cl100k_base.tiktoken",
                Map.of(Tokenizer.END_OF_TEXT, 100256), PreTokenizer.CL100K); // ids must be dense; the text has no specials
        var reference = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
        String text = CharTokenizerTest.tinyShakespeare().substring(0, 300_000) + Gpt2ExactnessTest.TORTURE;
        assertArrayEquals(reference.encodeOrdinary(text).toArray(), cl100k.encode(text));
        assertEquals(text, cl100k.decode(cl100k.encode(text)));
    }
}
