package dev.sparklm.preprocess.filter;

import java.io.Serializable;
import java.util.List;
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
        List<String> tokens = Words.of(text);
        int words = 0;
        long wordChars = 0;
        int alpha = 0;
        int stop = 0;
        int symbols = 0;
        for (String t : tokens) {
            if (t.startsWith("#")) {
                symbols++;
            }
            if (t.contains("...") || t.contains("\u2026")) {
                symbols++;
            }
            if (Words.isWordLike(t)) {
                words++;
                wordChars += t.length();
            }
            if (Words.hasLetter(t)) {
                alpha++;
            }
            if (stop < o.minStopWords() && STOP_WORDS.contains(stripPunctuation(t).toLowerCase(Locale.ROOT))) {
                stop++;
            }
        }
        if (words < o.minWords()) {
            return "too-few-words";
        }
        if (words > o.maxWords()) {
            return "too-many-words";
        }
        double mean = (double) wordChars / words;
        if (mean < o.minMeanWordLength() || mean > o.maxMeanWordLength()) {
            return "mean-word-length";
        }
        if (symbols > o.maxSymbolWordRatio() * words) {
            return "symbol-word-ratio";
        }
        if (!tokens.isEmpty() && alpha < o.minAlphaWords() * tokens.size()) {
            return "non-alphabetic-words";
        }
        if (stop < o.minStopWords()) {
            return "stop-words";
        }
        String[] lines = text.split("\n");
        int nonEmpty = 0;
        int bullets = 0;
        int ellipses = 0;
        for (String line : lines) {
            String l = line.strip();
            if (l.isEmpty()) {
                continue;
            }
            nonEmpty++;
            char c = l.charAt(0);
            if (c == '\u2022' || c == '-' || c == '*' || c == '\u2023' || c == '\u2043' || c == '\u25E6'
                    || c == '\u2219' || c == '\u25AA' || c == '\u25CF') {
                bullets++;
            }
            if (l.endsWith("...") || l.endsWith("\u2026")) {
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
