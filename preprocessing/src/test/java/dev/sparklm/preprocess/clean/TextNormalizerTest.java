package dev.sparklm.preprocess.clean;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TextNormalizerTest {
    final TextNormalizer normalizer = new TextNormalizer(true, true, false);

    @Test
    void nfkcFoldsCompatibilityForms() {
        assertEquals("file ABC 1/2 a b", normalizer.normalize("\uFB01le \uFF21\uFF22\uFF23 \u00BD a\u00A0b").replace("1\u20442", "1/2"));
    }

    @Test
    void removesControlAndZeroWidthCharacters() {
        assertEquals("zero width joiner bidi soft hyphen bell",
                normalizer.normalize("zero\u200B width\u200D joiner \u202Ebidi\u202C soft\u00AD hyphen\u0007 bell\uFEFF"));
        assertEquals("tab\tand\nnewline stay", normalizer.normalize("tab\tand\r\nnewline stay"));
        // Overstrike (man pages, fortunes): "b\bb" is a bold b, "_\bu" an underlined u.
        assertEquals("bold under", normalizer.normalize("b\bbo\bol\bld\bd _\bu_\bn_\bd_\be_\br"));
    }

    @Test
    void normalizesWhitespaceAndLowercases() {
        assertEquals("a\n\nb", normalizer.normalize("  a  \n\n\n\n  \nb \t"));
        assertEquals("\u00e9t\u00e9 hello", new TextNormalizer(true, true, true).normalize("E\u0301T\u00c9 HeLLo"));
        assertEquals("keep  \n\n\n\nall", new TextNormalizer(false, false, false).normalize("keep  \n\n\n\nall"));
    }

    /** The one-pass line trimming against the two regular expressions it replaced. */
    @Test
    void lineTrimmingMatchesTheRegexDefinitionOnRandomText() {
        java.util.Random random = new java.util.Random(3);
        char[] alphabet = {' ', ' ', '\t', '\n', '\n', 'a', 'b', '\u000B', '\f'};   // no \r: line breaks are \n by then
        for (int t = 0; t < 20_000; t++) {
            StringBuilder text = new StringBuilder();
            for (int k = random.nextInt(40); k > 0; k--) {
                text.append(alphabet[random.nextInt(alphabet.length)]);
            }
            String expected = text.toString().replaceAll("[ \t\u000B\f]+(?=\n|$)", "").replaceAll("\n{3,}", "\n\n");
            assertEquals(expected, TextNormalizer.trimLines(text.toString()), "for " + text.toString().replace("\n", "\\n"));
        }
    }

    /** The line-break and invisible-character passes against the regular expressions they replaced. */
    @Test
    void lineBreaksAndInvisiblesMatchTheRegexDefinitionsOnRandomText() {
        java.util.regex.Pattern lineBreaks = java.util.regex.Pattern.compile("\r\n?|[\u2028\u2029\u0085]");
        java.util.regex.Pattern invisible = java.util.regex.Pattern.compile(
                "[\\x00-\\x08\\x0B-\\x1F\\x7F-\\x9F\u200B-\u200F\u202A-\u202E\u2060-\u2064\uFEFF\u00AD]");
        java.util.Random random = new java.util.Random(5);
        char[] alphabet = {'a', 'b', '\r', '\r', '\n', '\n', '\t', '\u2028', '\u2029', '\u0085', '\u00e9', '\u00a0'};
        int changed = 0;
        for (int t = 0; t < 20_000; t++) {
            StringBuilder text = new StringBuilder();
            for (int k = random.nextInt(30); k > 0; k--) {
                // Every char near the invisible ranges' edges now and then, else the alphabet.
                text.append(random.nextInt(4) == 0 ? (char) random.nextInt(0x2100) : random.nextInt(20) == 0
                        ? (char) (0xFEF0 + random.nextInt(32)) : alphabet[random.nextInt(alphabet.length)]);
            }
            String s = text.toString();
            String breaks = lineBreaks.matcher(s).replaceAll("\n");
            assertEquals(breaks, TextNormalizer.unifyLineBreaks(s), "line breaks of " + s);
            assertEquals(invisible.matcher(s).replaceAll(""), TextNormalizer.removeInvisible(s), "invisibles of " + s);
            changed += breaks.equals(s) ? 0 : 1;
        }
        assertEquals(true, changed > 5_000, changed + " texts changed");
    }
}
