package dev.sparklm.preprocess.filter;

import java.util.ArrayList;
import java.util.List;

/** Whitespace-separated words of a text, the unit of the Gopher rules. */
final class Words {
    private Words() {}

    static List<String> of(String text) {
        List<String> words = new ArrayList<>(text.length() / 5 + 1);
        forEach(text, (start, end) -> words.add(text.substring(start, end)));
        return words;
    }

    /** Receives each word's [start, end) in the text. */
    interface Span {
        void accept(int start, int end);
    }

    /** Calls {@code span} for each word, in order, without copying it. */
    static void forEach(String text, Span span) {
        int n = text.length();
        int i = 0;
        while (i < n) {
            while (i < n && isWhitespace(text.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && !isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i > start) {
                span.accept(start, i);
            }
        }
    }

    /** The characters up to the space that {@link Character#isWhitespace(char)} calls white space: tab to carriage return, the four separators 0x1C-0x1F, space. */
    private static final long SPACES_UP_TO_0X20 = 0x1_F000_3E00L;

    /**
     * {@link Character#isWhitespace(char)}, with the answer for ASCII from a bit mask: no
     * character between 0x21 and U+167F (Ogham's space mark, the first of Unicode's other
     * spaces) is white space. The words' loops spend most of their time on this test.
     */
    static boolean isWhitespace(char c) {
        return c <= ' ' ? (SPACES_UP_TO_0X20 >>> c & 1) != 0 : c >= '\u1680' && Character.isWhitespace(c);
    }
}
