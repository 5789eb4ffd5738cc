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
}
