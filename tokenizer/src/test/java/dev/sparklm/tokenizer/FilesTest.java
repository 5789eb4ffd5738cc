package dev.sparklm.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** vocab.json + merges.txt and tokenizer.json: written, read back, and corrupt files named. */
class FilesTest {
    static final ByteLevelBpeTokenizer GPT2 = Gpt2Reference.GPT2;

    @Test
    void gpt2VocabAndMergesFilesLoadAndMatchTheReference() throws IOException {
        String vocab = HuggingFaceFormat.vocabJson(GPT2);
        String merges = HuggingFaceFormat.mergesTxt(GPT2);
        assertTrue(merges.startsWith("#version: 0.2\nĠ t\nĠ a\nh e\n"), merges.substring(0, 40));
        assertTrue(vocab.contains("\"<|endoftext|>\" : 50256"));
        ByteLevelBpeTokenizer loaded = HuggingFaceFormat.fromVocabAndMerges(vocab, "vocab.json", merges, "merges.txt",
                List.of(Tokenizer.END_OF_TEXT), PreTokenizer.GPT2);
        String text = CharTokenizerTest.tinyShakespeare();
        assertArrayEquals(Gpt2Reference.jtokkit(text), loaded.encode(text));
        assertEquals(50256, loaded.endOfTextId());
    }

    @Test
    void tokenizerJsonRoundTripsForBothPatterns() throws IOException {
        String text = CharTokenizerTest.tinyShakespeare().substring(0, 100_000) + Gpt2ExactnessTest.TORTURE;
        for (PreTokenizer pattern : List.of(PreTokenizer.GPT2, PreTokenizer.CL100K)) {
            ByteLevelBpeTokenizer t = BpeTrainer.train(BpeTrainer.countChunks(List.of(text), pattern),
                    new BpeTrainer.Options(600, 2, List.of(Tokenizer.END_OF_TEXT, "<|pad|>"), pattern));
            Tokenizer reread = TokenizerJson.read(t.toJson(), "tokenizer.json");
            assertEquals(t.fingerprint(), reread.fingerprint(), pattern.name());
            assertArrayEquals(t.encode(text), reread.encode(text));
            assertEquals(Map.of(Tokenizer.END_OF_TEXT, 598, "<|pad|>", 599), ((ByteLevelBpeTokenizer) reread).specialTokens());
        }
    }

    @Test
    void gpt2TokenizerJsonHasHuggingFaceShape() throws Exception {
        var root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(GPT2.toJson());
        assertEquals("BPE", root.path("model").path("type").asText());
        assertEquals("ByteLevel", root.path("pre_tokenizer").path("type").asText());
        assertEquals(50000, root.path("model").path("merges").size());
        assertEquals(50257, root.path("model").path("vocab").size());
        assertEquals("<|endoftext|>", root.path("added_tokens").get(0).path("content").asText());
    }

    @Test
    void corruptOrTruncatedFilesNameTheFileAndLine() {
        String vocab = HuggingFaceFormat.vocabJson(GPT2);
        String merges = HuggingFaceFormat.mergesTxt(GPT2);
        String[] lines = merges.split("\n");

        String badLine = String.join("\n", lines[0], lines[1], "Ġt", lines[3]);
        IllegalArgumentException e1 = assertThrows(IllegalArgumentException.class, () -> HuggingFaceFormat.fromVocabAndMerges(
                vocab, "vocab.json", badLine, "gpt2/merges.txt", List.of(), PreTokenizer.GPT2));
        assertTrue(e1.getMessage().startsWith("gpt2/merges.txt:3: expected two tokens"), e1.getMessage());

        String unknown = String.join("\n", lines[0], lines[1], "Ġ zzzzzzqqq");
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class, () -> HuggingFaceFormat.fromVocabAndMerges(
                vocab, "vocab.json", unknown, "merges.txt", List.of(), PreTokenizer.GPT2));
        assertTrue(e2.getMessage().startsWith("merges.txt:3: token 'zzzzzzqqq' is not in the vocabulary"), e2.getMessage());

        String truncated = vocab.substring(0, vocab.length() / 2);
        IllegalArgumentException e3 = assertThrows(IllegalArgumentException.class, () -> HuggingFaceFormat.fromVocabAndMerges(
                truncated, "gpt2/vocab.json", merges, "merges.txt", List.of(), PreTokenizer.GPT2));
        assertTrue(e3.getMessage().startsWith("gpt2/vocab.json: not valid JSON (line "), e3.getMessage());

        IllegalArgumentException e4 = assertThrows(IllegalArgumentException.class, () -> HuggingFaceFormat.fromVocabAndMerges(
                "{\"a\": 0, \"b\": 1}", "small/vocab.json", "", "merges.txt", List.of(), PreTokenizer.GPT2));
        assertTrue(e4.getMessage().contains("no token for byte"), e4.getMessage());

        IllegalArgumentException e5 = assertThrows(IllegalArgumentException.class,
                () -> TiktokenFormat.read("IQ== 0\nIg== 5\n", "r50k.tiktoken", Map.of(), PreTokenizer.GPT2));
        assertTrue(e5.getMessage().startsWith("r50k.tiktoken:2: rank 5"), e5.getMessage());

        String json = GPT2.toJson();
        IllegalArgumentException e6 = assertThrows(IllegalArgumentException.class,
                () -> TokenizerJson.read(json.substring(0, json.length() - 5000), "run/tokenizer.json"));
        assertTrue(e6.getMessage().startsWith("run/tokenizer.json: not valid JSON"), e6.getMessage());
    }
}
