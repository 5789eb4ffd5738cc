package dev.sparklm.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BpeTrainerTest {
    static BpeTrainer.Options options(int vocab) {
        return new BpeTrainer.Options(vocab, 1, List.of(Tokenizer.END_OF_TEXT), PreTokenizer.GPT2);
    }

    @Test
    void learnsTheTextbookMergesInOrder() {
        // "aaabdaaabac": aa (4) first; then ab and (aa, a) tie at 2 and the smaller left id wins;
        // then (aa, ab) at 2.
        ByteLevelBpeTokenizer t = BpeTrainer.train(Map.of("aaabdaaabac", 1L), options(256 + 3 + 1));
        assertEquals(3, t.mergeCount());
        assertArrayEquals(new int[] {'a', 'a', 256}, t.merge(0));
        assertArrayEquals(new int[] {'a', 'b', 257}, t.merge(1));
        assertArrayEquals(new int[] {256, 257, 258}, t.merge(2));
        assertArrayEquals(new int[] {258, 'd', 258, 'a', 'c'}, t.encode("aaabdaaabac"));
        assertEquals(259, t.endOfTextId());
        assertEquals(260, t.vocabSize());
    }

    @Test
    void stopsAtTheMinimumPairFrequency() {
        ByteLevelBpeTokenizer t = BpeTrainer.train(Map.of("abab", 3L, "cd", 2L),
                new BpeTrainer.Options(1000, 3, List.of(Tokenizer.END_OF_TEXT), PreTokenizer.GPT2));
        // ab: 6, then (ab, ab): 3; cd: 2 < 3 is never merged.
        assertEquals(2, t.mergeCount());
        assertEquals(256 + 2 + 1, t.vocabSize());
    }

    @Test
    void tinyShakespeareTrainsRoundTripsAndCompresses() throws IOException {
        String text = CharTokenizerTest.tinyShakespeare();
        Map<String, Long> counts = BpeTrainer.countChunks(List.of(text), PreTokenizer.GPT2);
        ByteLevelBpeTokenizer t = BpeTrainer.train(counts, options(2000));
        assertEquals(2000, t.vocabSize());
        int[] ids = t.encode(text);
        assertEquals(text, t.decode(ids));
        double tokensPerByte = ids.length / (double) text.length();
        assertTrue(tokensPerByte < 0.4, "a 2,000-token vocabulary compresses English: " + tokensPerByte);
        // The trained merges reproduce the training segmentation: every chunk's token count
        // under the encoder equals the chunk-by-chunk sum.
        long sum = 0;
        for (Map.Entry<String, Long> e : counts.entrySet()) {
            sum += e.getValue() * t.encode(e.getKey()).length;
        }
        assertEquals(sum, ids.length);
    }

    @Test
    void sameCountsGiveTheSameMergesWhateverTheirOrder() throws IOException {
        String text = CharTokenizerTest.tinyShakespeare().substring(0, 200_000);
        Map<String, Long> counts = BpeTrainer.countChunks(List.of(text), PreTokenizer.GPT2);
        List<Map.Entry<String, Long>> entries = new ArrayList<>(counts.entrySet());
        Collections.shuffle(entries, new java.util.Random(1));
        Map<String, Long> shuffled = new LinkedHashMap<>();
        entries.forEach(e -> shuffled.put(e.getKey(), e.getValue()));
        assertEquals(BpeTrainer.train(counts, options(800)).fingerprint(), BpeTrainer.train(shuffled, options(800)).fingerprint());
    }

    @Test
    void absurdOptionsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> options(100));
        assertThrows(IllegalArgumentException.class,
                () -> new BpeTrainer.Options(1000, 0, List.of(), PreTokenizer.GPT2));
    }

    @Test
    void emptyCountsGiveTheByteVocabulary() {
        ByteLevelBpeTokenizer t = BpeTrainer.train(Map.of(), options(1000));
        assertEquals(257, t.vocabSize());
        assertEquals("héllo", t.decode(t.encode("héllo")));
    }

    /**
     * The oracle: HuggingFace tokenizers' BPE trainer (Rust, through its npm binding:
     * benchmarks/hf-compat/train-merges.mjs) on the first 200,000 bytes of Tiny Shakespeare,
     * read as it reads files (line by line, each line with its newline). Its first 3,000 merges,
     * as bytes, are a test resource; the same counts trained here give the same merges.
     */
    @Test
    void learnsTheMergesHuggingFaceTokenizersLearns() throws IOException {
        byte[] corpus = java.nio.file.Files.readAllBytes(java.nio.file.Path.of("..", "data", "tinyshakespeare", "input.txt"));
        String text = new String(corpus, 0, 200_000, java.nio.charset.StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>();
        for (int start = 0; start < text.length(); ) {
            int nl = text.indexOf('\n', start);
            int end = nl < 0 ? text.length() : nl + 1;
            lines.add(text.substring(start, end));
            start = end;
        }
        List<String> expected;
        try (var in = BpeTrainerTest.class.getResourceAsStream("/hf-bpe-merges-tinyshakespeare-200000.txt")) {
            expected = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).lines().toList();
        }
        ByteLevelBpeTokenizer t = BpeTrainer.train(BpeTrainer.countChunks(lines, PreTokenizer.GPT2),
                new BpeTrainer.Options(256 + expected.size() + 1, 1, List.of(Tokenizer.END_OF_TEXT), PreTokenizer.GPT2));
        List<String> learned = new ArrayList<>();
        for (int rank = 0; rank < t.mergeCount(); rank++) {
            int[] pair = t.merge(rank);
            learned.add(hex(t.tokenBytes(pair[0])) + " " + hex(t.tokenBytes(pair[1])));
        }
        int differ = 0;
        StringBuilder first = new StringBuilder();
        for (int k = 0; k < expected.size(); k++) {
            if (!expected.get(k).equals(learned.get(k))) {
                if (differ++ < 10) {
                    first.append(" rank ").append(k).append(": HF ").append(expected.get(k)).append(" here ").append(learned.get(k));
                }
            }
        }
        assertEquals(expected.size(), learned.size());
        assertEquals(0, differ, differ + " merges differ:" + first);
    }

    private static String hex(byte[] bytes) {
        StringBuilder b = new StringBuilder();
        for (byte x : bytes) {
            b.append(String.format("%02x", x & 0xFF));
        }
        return b.toString();
    }
}
