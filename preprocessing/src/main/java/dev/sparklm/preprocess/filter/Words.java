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
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i > start) {
                span.accept(start, i);
            }
        }
    }

    /** Whether the word holds a letter or digit (not only punctuation or symbols). */
    static boolean isWordLike(String w) {
        for (int i = 0; i < w.length(); i++) {
            if (Character.isLetterOrDigit(w.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    static boolean hasLetter(String w) {
        for (int i = 0; i < w.length(); i++) {
            if (Character.isLetter(w.charAt(i))) {
                return true;
            }
        }
        return false;
    }
}
