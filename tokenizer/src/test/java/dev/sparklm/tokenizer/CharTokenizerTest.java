package dev.sparklm.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class CharTokenizerTest {

    static String tinyShakespeare() throws IOException {
        // Tests run from the module directory; the corpus is bundled at the repository root.
        Path corpus = Path.of("..", "data", "tinyshakespeare", "input.txt");
        return Files.readString(corpus, StandardCharsets.UTF_8);
    }

    @Test
    void tinyShakespeareHas65CharactersAndRoundTrips() throws IOException {
        String text = tinyShakespeare();
        CharTokenizer tokenizer = CharTokenizer.train(text);

        assertEquals(65 + 2, tokenizer.vocabSize(), "65 characters plus <|endoftext|> and <|unk|>");
        int[] ids = tokenizer.encode(text);
        assertEquals(text.length(), ids.length);
        assertEquals(text, tokenizer.decode(ids));
        assertEquals(0, tokenizer.countUnknown(text));
    }

    @Test
    void idsFollowCodePointOrderAfterTheSpecialTokens() {
        CharTokenizer tokenizer = CharTokenizer.train("cab");
        assertArrayEquals(new int[] {2, 3, 4}, tokenizer.encode("abc"));
        assertEquals(0, tokenizer.endOfTextId());
        assertEquals(Tokenizer.END_OF_TEXT + "a", tokenizer.decode(new int[] {0, 2}));
    }

    @Test
    void supplementaryCharactersAreOneToken() {
        String text = "a\uD83D\uDE00b\u00E9\u4E2D"; // a, grinning face (U+1F600), b, é, 中
        CharTokenizer tokenizer = CharTokenizer.train(text);
        int[] ids = tokenizer.encode(text);
        assertEquals(5, ids.length);
        assertEquals(text, tokenizer.decode(ids));
    }

    @Test
    void unknownCharactersEncodeToUnkAndAreCounted() {
        CharTokenizer tokenizer = CharTokenizer.train("abc");
        int[] ids = tokenizer.encode("abxz\uD83D\uDE00");
        assertArrayEquals(new int[] {2, 3, 1, 1, 1}, ids);
        assertEquals(3, tokenizer.countUnknown("abxz\uD83D\uDE00"));
        assertEquals("ab\uFFFD\uFFFD\uFFFD", tokenizer.decode(ids));
    }

    @Test
    void emptyTextEncodesToNoIds() {
        assertEquals(0, CharTokenizer.train("abc").encode("").length);
        assertEquals(2, CharTokenizer.train("").vocabSize());
    }

    @Test
    void decodeRejectsIdsOutsideTheVocabulary() {
        CharTokenizer tokenizer = CharTokenizer.train("ab");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> tokenizer.decode(new int[] {4}));
        assertTrue(e.getMessage().contains("outside the vocabulary"), e.getMessage());
    }

    @Test
    void jsonRoundTripKeepsIdsAndFingerprint() throws IOException {
        CharTokenizer tokenizer = CharTokenizer.train(tinyShakespeare() + "\u00E9\uD83D\uDE00\"\\\t");
        Tokenizer reread = TokenizerJson.read(tokenizer.toJson(), "tokenizer.json");
        assertEquals(tokenizer, reread);
        assertEquals(tokenizer.fingerprint(), reread.fingerprint());
        assertNotEquals(tokenizer.fingerprint(), CharTokenizer.train("abc").fingerprint());
    }

    @Test
    void corruptFilesGiveErrorsNamingTheFile() {
        String[][] cases = {
            {"{not json", "not valid JSON"},
            {"[1,2]", "expected a JSON object"},
            {"{\"version\":1}", "'type'"},
            {"{\"type\":\"char\",\"version\":7,\"alphabet\":\"ab\"}", "unsupported tokenizer file version"},
            {"{\"type\":\"char\",\"version\":1}", "'alphabet'"},
            {"{\"type\":\"wordpiece\",\"version\":1}", "unknown tokenizer type 'wordpiece'"},
        };
        for (String[] c : cases) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TokenizerJson.read(c[0], "runs/x/tokenizer.json"), c[0]);
            assertTrue(e.getMessage().startsWith("runs/x/tokenizer.json: "), e.getMessage());
            assertTrue(e.getMessage().contains(c[1]), e.getMessage());
        }
    }
}
