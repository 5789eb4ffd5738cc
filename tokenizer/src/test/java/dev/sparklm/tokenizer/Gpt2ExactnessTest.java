package dev.sparklm.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Our encoder with GPT-2's ranks gives exactly JTokkit's r50k_base ids, and decodes back exactly. */
class Gpt2ExactnessTest {
    static final ByteLevelBpeTokenizer GPT2 = Gpt2Reference.GPT2;

    /** Accents, CJK, emoji with ZWJ, combining marks, odd spaces, contractions in both cases, digits. */
    static final String TORTURE = String.join("\n",
            "Héllo wörld — naïve café, résumé; Ænima ØÅ ß ﬁ ligature",
            "日本語のテキスト、中文文本，한국어 텍스트。",
            "Family: 👨‍👩‍👧‍👦 flags 🇫🇷🇩🇪 skin 👍🏽 keycap 1️⃣ heart ❤️",
            "Combining: e\u0301 a\u0308 o\u0302\u0323 Z\u0351\u0325\u0353",
            "   three spaces\tand\ttabs\t\t  mixed \u00A0nbsp\u2003em\u3000ideographic",
            "",
            "",
            "\n\n\n  \n",
            "I'm you're he's we've they'll she'd it't I'M YOU'RE HE'S WE'VE THEY'LL SHE'D",
            "'s 't 're 've 'm 'll 'd ''s x's'   's",
            "Numbers 0 12 345 6789 1,234.56 3.14159e-10 ١٢٣ ½ ⅓ Ⅻ",
            "Symbols !@#$%^&*()_+-=[]{}|;:'\",.<>/?`~ «» „“ ‹›",
            "Mixed1234abc def!!!ghi ???   ...end",
            "trailing spaces   ",
            "\r\nwindows\r\nlines\r\n",
            "lone high surrogate? no: math 𝐀𝐁𝐂 𝟙𝟚 and Gothic 𐌰𐌱",
            "   ");

    @Test
    void gpt2VocabularyLoads() {
        assertEquals(50257, GPT2.vocabSize());
        assertEquals(50000, GPT2.mergeCount());
        assertEquals(50256, GPT2.endOfTextId());
    }

    @Test
    void identicalToJtokkitOnTinyShakespeare() throws IOException {
        String text = CharTokenizerTest.tinyShakespeare();
        int[] ours = GPT2.encode(text);
        assertSameIds(Gpt2Reference.jtokkit(text), ours, text);
        assertEquals(text, GPT2.decode(ours));
        // Line by line too: other chunk boundaries at the ends, the same ids.
        for (String line : text.split("\n")) {
            assertSameIds(Gpt2Reference.jtokkit(line), GPT2.encode(line), line);
        }
    }

    @Test
    void identicalToJtokkitOnUnicodeTorture() {
        assertSameIds(Gpt2Reference.jtokkit(TORTURE), GPT2.encode(TORTURE), TORTURE);
        assertEquals(TORTURE, GPT2.decode(GPT2.encode(TORTURE)));
        for (String line : TORTURE.split("\n", -1)) {
            assertSameIds(Gpt2Reference.jtokkit(line), GPT2.encode(line), line);
            assertEquals(line, GPT2.decode(GPT2.encode(line)));
        }
    }

    @Test
    void identicalOnEveryCharacterClassBoundary() {
        // Each pair of "interesting" characters, with and without a space between.
        List<String> atoms = List.of("a", "Z", "é", "中", "7", "½", " ", "  ", "\t", "\n", "\u00A0", "\u2003", "'", "'s",
                "!", "😀", "e\u0301", "\r\n", "𝐀");
        StringBuilder sb = new StringBuilder();
        for (String x : atoms) {
            for (String y : atoms) {
                for (String z : atoms) {
                    sb.append(x).append(y).append(z).append('|');
                }
            }
        }
        String text = sb.toString();
        assertSameIds(Gpt2Reference.jtokkit(text), GPT2.encode(text), text);
        assertEquals(text, GPT2.decode(GPT2.encode(text)));
    }

    @Test
    void longChunksUseTheHeapAndAgree() {
        // One chunk of 5,000 letters (> the scan limit) and one of 3,000 symbols.
        String letters = "abcdefghij".repeat(500) + " " + "xyz".repeat(1000) + " " + "+-*/".repeat(750);
        assertSameIds(Gpt2Reference.jtokkit(letters), GPT2.encode(letters), letters);
    }

    @Test
    void emptyTextAndSpecialTokenPolicies() {
        assertEquals(0, GPT2.encode("").length);
        assertEquals("", GPT2.decode(new int[0]));
        String text = "end.<|endoftext|>Next";
        int[] asText = GPT2.encode(text);
        assertSameIds(Gpt2Reference.jtokkit(text), asText, text);
        int[] allowed = GPT2.encode(text, SpecialTokens.ALLOW);
        assertEquals(1, java.util.Arrays.stream(allowed).filter(id -> id == 50256).count());
        int[] before = Gpt2Reference.jtokkit("end.");
        int[] after = Gpt2Reference.jtokkit("Next");
        int[] expected = java.util.stream.IntStream.concat(java.util.stream.IntStream.concat(
                java.util.Arrays.stream(before), java.util.stream.IntStream.of(50256)), java.util.Arrays.stream(after)).toArray();
        assertArrayEquals(expected, allowed, "the text around the special token is encoded on its own");
        assertEquals(text, GPT2.decode(allowed));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GPT2.encode(text, SpecialTokens.REJECT));
        assertTrue(e.getMessage().contains("<|endoftext|>") && e.getMessage().contains("offset 4"), e.getMessage());
    }

    @Test
    void loneSurrogatesEncodeAsReplacementCharacter() {
        String broken = "a\uD800b";
        assertEquals("a\uFFFDb", GPT2.decode(GPT2.encode(broken)));
    }

    static void assertSameIds(int[] expected, int[] actual, String text) {
        if (java.util.Arrays.equals(expected, actual)) {
            return;
        }
        int i = 0;
        while (i < Math.min(expected.length, actual.length) && expected[i] == actual[i]) {
            i++;
        }
        int from = Math.max(0, i - 3);
        fail("ids differ at token " + i + " of " + expected.length + " (ours " + actual.length + "): expected "
                + java.util.Arrays.toString(java.util.Arrays.copyOfRange(expected, from, Math.min(expected.length, i + 4)))
                + " " + GPT2.decode(java.util.Arrays.copyOfRange(expected, from, Math.min(expected.length, i + 4))).replace("\n", "\\n")
                + " but got "
                + java.util.Arrays.toString(java.util.Arrays.copyOfRange(actual, from, Math.min(actual.length, i + 4)))
                + " " + GPT2.decode(java.util.Arrays.copyOfRange(actual, from, Math.min(actual.length, i + 4))).replace("\n", "\\n"));
    }
}
