package dev.sparklm.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Bits per byte divide by the bytes of text the targets stand for; that count must not depend on
 * the tokenizer, and {@code <|endoftext|>} stands for no text.
 */
class TextBytesTest {
    static final String DOC1 = "Naïve café owners sell crème brûlée — 5 € each.\nZürich, Kraków, Москва, 東京.";
    static final String DOC2 = "A second document: plain ASCII, then emoji 🙂🚀 and more text.";

    @Test
    void charAndBpeTokenizersCountTheSameBytesAndNoneForEndOfText() {
        long expected = DOC1.getBytes(StandardCharsets.UTF_8).length + DOC2.getBytes(StandardCharsets.UTF_8).length;
        CharTokenizer chars = CharTokenizer.train(DOC1 + DOC2);
        ByteLevelBpeTokenizer bpe = BpeTrainer.train(BpeTrainer.countChunks(List.of(DOC1, DOC2, DOC1), PreTokenizer.GPT2),
                new BpeTrainer.Options(256 + 40, 1, List.of(Tokenizer.END_OF_TEXT), PreTokenizer.GPT2));
        for (Tokenizer t : List.of(chars, bpe)) {
            int[] ids = stream(t);
            assertEquals(expected, t.textBytes(ids, 0, ids.length), t.type());
        }
        assertNotEquals(stream(chars).length, stream(bpe).length, "the two tokenizers cut the text differently");
    }

    @Test
    void bpeCountsTokenBytesWhereAWindowCutsACharacter() {
        ByteLevelBpeTokenizer bpe = BpeTrainer.train(BpeTrainer.countChunks(List.of("ab"), PreTokenizer.GPT2),
                new BpeTrainer.Options(256 + 1, 1, List.of(Tokenizer.END_OF_TEXT), PreTokenizer.GPT2));
        int[] ids = stream(bpe);   // the emoji are 4 byte-tokens each: some cuts fall inside them
        long total = bpe.textBytes(ids, 0, ids.length);
        IntStream.range(0, ids.length).forEach(cut ->
                assertEquals(total, bpe.textBytes(ids, 0, cut) + bpe.textBytes(ids, cut, ids.length), "cut at " + cut));
    }

    private static int[] stream(Tokenizer t) {
        int eot = t.endOfTextId();
        return IntStream.concat(IntStream.concat(IntStream.of(t.encode(DOC1)), IntStream.of(eot)),
                IntStream.concat(IntStream.of(t.encode(DOC2)), IntStream.of(eot))).toArray();
    }
}
