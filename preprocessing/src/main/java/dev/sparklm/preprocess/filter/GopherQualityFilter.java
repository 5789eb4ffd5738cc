package dev.sparklm.preprocess.filter;

import java.io.Serializable;
import java.util.Locale;
import java.util.Set;

/**
 * The document rules of Gopher's MassiveWeb filter (Rae et al. 2021, "Scaling Language Models",
 * appendix A.1.1; thresholds as published there and in DataTrove's GopherQualityFilter):
 * word count, mean word length, symbol-to-word ratio, bullet and ellipsis lines, words with a
 * letter, and stop words.
 */
public final class GopherQualityFilter extends DocumentRule {
    /** Gopher's stop words: a document must contain at least {@code minStopWords} of them. */
    static final Set<String> STOP_WORDS = Set.of("the", "be", "to", "of", "and", "that", "have", "with");
    public static final int STOP_WORD_COUNT = 8;

    /** The thresholds; a value of 0 (or a max of 1) turns its rule off. */
    public record Options(int minWords, int maxWords, double minMeanWordLength, double maxMeanWordLength,
                          double maxSymbolWordRatio, double maxBulletLines, double maxEllipsisLines,
                          double minAlphaWords, int minStopWords) implements Serializable {}

    private final Options o;

    public GopherQualityFilter(Options options) {
        this.o = options;
    }

    @Override
    public String name() {
        return "gopher-quality";
    }

    @Override
    public String check(String text) {
        WordStats w = new WordStats(text, o.minStopWords());
        Words.forEach(text, w);
        if (w.words < o.minWords()) {
            return "too-few-words";
        }
        if (w.words > o.maxWords()) {
            return "too-many-words";
        }
        double mean = (double) w.wordChars / w.words;
        if (mean < o.minMeanWordLength() || mean > o.maxMeanWordLength()) {
            return "mean-word-length";
        }
        if (w.symbols > o.maxSymbolWordRatio() * w.words) {
            return "symbol-word-ratio";
        }
        if (w.tokens > 0 && w.alpha < o.minAlphaWords() * w.tokens) {
            return "non-alphabetic-words";
        }
        if (w.stop < o.minStopWords()) {
            return "stop-words";
        }
        int nonEmpty = 0;
        int bullets = 0;
        int ellipses = 0;
        for (int from = 0; from <= text.length(); ) {
            int end = text.indexOf('\n', from);
            end = end < 0 ? text.length() : end;
            int a = from;
            int b = end;
            while (a < b && Words.isWhitespace(text.charAt(a))) {   // the line, stripped
                a++;
            }
            while (b > a && Words.isWhitespace(text.charAt(b - 1))) {
                b--;
            }
            from = end + 1;
            if (a == b) {
                continue;
            }
            nonEmpty++;
            char c = text.charAt(a);
            if (c == '\u2022' || c == '-' || c == '*' || c == '\u2023' || c == '\u2043' || c == '\u25E6'
                    || c == '\u2219' || c == '\u25AA' || c == '\u25CF') {
                bullets++;
            }
            if (text.startsWith("...", b - 3) && b - 3 >= a || text.charAt(b - 1) == '\u2026') {
                ellipses++;
            }
        }
        if (nonEmpty > 0 && bullets > o.maxBulletLines() * nonEmpty) {
            return "bullet-lines";
        }
        if (nonEmpty > 0 && ellipses > o.maxEllipsisLines() * nonEmpty) {
            return "ellipsis-lines";
        }
        return null;
    }

    /**
     * The word statistics, read off each word's span of the text: no word is copied but the few
     * looked up as stop words (until {@code minStopWords} are found).
     */
    private static final class WordStats implements Words.Span {
        final String text;
        final int minStopWords;
        int tokens;
        int words;
        long wordChars;
        int alpha;
        int stop;
        int symbols;

        WordStats(String text, int minStopWords) {
            this.text = text;
            this.minStopWords = minStopWords;
        }

        @Override
        public void accept(int start, int end) {
            tokens++;
            if (text.charAt(start) == '#') {
                symbols++;
            }
            boolean wordLike = false;
            boolean letter = false;
            boolean ellipsis = false;
            for (int i = start; i < end; i++) {
                char c = text.charAt(i);
                if (Character.isLetter(c)) {
                    letter = true;
                    wordLike = true;
                } else if (Character.isDigit(c)) {
                    wordLike = true;
                } else if (c == '\u2026' || c == '.' && i + 2 < end && text.charAt(i + 1) == '.' && text.charAt(i + 2) == '.') {
                    ellipsis = true;
                }
            }
            if (ellipsis) {
                symbols++;
            }
            if (wordLike) {
                words++;
                wordChars += end - start;
            }
            if (letter) {
                alpha++;
            }
            if (stop < minStopWords && STOP_WORDS.contains(stripPunctuation(text.substring(start, end)).toLowerCase(Locale.ROOT))) {
                stop++;
            }
        }
    }

    private static String stripPunctuation(String t) {
        int a = 0;
        int b = t.length();
        while (a < b && !Character.isLetterOrDigit(t.charAt(a))) {
            a++;
        }
        while (b > a && !Character.isLetterOrDigit(t.charAt(b - 1))) {
            b--;
        }
        return t.substring(a, b);
    }
}
