package dev.sparklm.preprocess.filter;

import static dev.sparklm.preprocess.filter.FilterTestSupport.DEFAULTS;
import static dev.sparklm.preprocess.filter.FilterTestSupport.GOOD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class GopherQualityFilterTest {
    final GopherQualityFilter filter = new GopherQualityFilter(DEFAULTS.gopherQuality());

    @Test
    void keepsOrdinaryProse() {
        assertNull(filter.check(GOOD));
    }

    @Test
    void dropsEachRuleItsOwnWay() {
        assertEquals("too-few-words", filter.check("The cat sat on the mat and that was all."));
        assertEquals("too-many-words", filter.check(GOOD.repeat(1200)));
        assertEquals("mean-word-length", filter.check("a b c d e of to the and ".repeat(10)));
        assertEquals("mean-word-length", filter.check("the and " + "incomprehensibilities ".repeat(60)));
        assertEquals("symbol-word-ratio", filter.check(GOOD + " #tag #tag #tag #tag #tag #tag #tag #tag #tag #tag #tag"
                + " #tag #tag #tag #tag #tag #tag #tag #tag #tag"));
        assertEquals("non-alphabetic-words", filter.check("the and " + "12 34 56 78 90 -- ++ ".repeat(20) + GOOD));
        assertEquals("stop-words", filter.check("Lorem quick brown fox jumps over lazy dogs while cats watch. ".repeat(10)));
        StringBuilder bullets = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            bullets.append("- the item with some words and more\n");
        }
        assertEquals("bullet-lines", filter.check(bullets.toString()));
        StringBuilder ellipses = new StringBuilder(GOOD.replace("\n\n", "\n"));
        for (int i = 0; i < 5; i++) {
            ellipses.append("\nand then the story goes on and on...");
        }
        assertEquals("ellipsis-lines", filter.check(ellipses.toString()));
    }

    /**
     * The rules read off word and line spans decide as the definition does on copies of them
     * ({@code split} on white space and on newlines, {@code strip}, {@code contains}), on random
     * texts of symbols, digits, ellipses, bullets and every kind of white space.
     */
    @Test
    void spansDecideAsTheDefinitionOnCopies() {
        java.util.Random random = new java.util.Random(17);
        String[] pieces = {"the", "of", "and", "To,", "(be)", "word", "longerword", "x", "#tag", "#", "...", "a...b", "\u2026",
                "end\u2026", "12", "3.5", "--", "\u2022", "*", "-", "\u25CF", "\u00e9t\u00e9", "\uD835\uDC00", " ", " ", " ", "\t",
                "\n", "\n", "\u2003", "\u00A0", "\u000B", "\r"};
        java.util.Set<String> outcomes = new java.util.TreeSet<>();
        GopherQualityFilter.Options o = new GopherQualityFilter.Options(5, 40, 2.5, 6, 0.2, 0.5, 0.2, 0.6, 1);
        GopherQualityFilter f = new GopherQualityFilter(o);
        for (int n = 0; n < 20_000; n++) {
            StringBuilder text = new StringBuilder();
            for (int k = random.nextInt(90); k > 0; k--) {
                text.append(pieces[random.nextInt(pieces.length)]);
                if (random.nextInt(3) > 0) {
                    text.append(' ');
                }
            }
            String expected = definition(text.toString(), o);
            assertEquals(expected, f.check(text.toString()), "for " + text.toString().replace("\n", "\\n"));
            outcomes.add(String.valueOf(expected));
        }
        assertEquals(9, outcomes.size(), "every rule decides some texts: " + outcomes);
    }

    /** The rules as they were written on copies of the words and lines. */
    private static String definition(String text, GopherQualityFilter.Options o) {
        java.util.List<String> words = new java.util.ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (char c : (text + " ").toCharArray()) {
            if (Character.isWhitespace(c)) {
                if (cur.length() > 0) {
                    words.add(cur.toString());
                    cur.setLength(0);
                }
            } else {
                cur.append(c);
            }
        }
        int wordCount = 0;
        long wordChars = 0;
        int alpha = 0;
        int stop = 0;
        int symbols = 0;
        for (String t : words) {
            if (t.startsWith("#")) {
                symbols++;
            }
            if (t.contains("...") || t.contains("\u2026")) {
                symbols++;
            }
            if (t.chars().anyMatch(c -> Character.isLetterOrDigit((char) c))) {
                wordCount++;
                wordChars += t.length();
            }
            if (t.chars().anyMatch(c -> Character.isLetter((char) c))) {
                alpha++;
            }
            int a = 0;
            int b = t.length();
            while (a < b && !Character.isLetterOrDigit(t.charAt(a))) {
                a++;
            }
            while (b > a && !Character.isLetterOrDigit(t.charAt(b - 1))) {
                b--;
            }
            String stripped = t.substring(a, b);
            if (stop < o.minStopWords() && GopherQualityFilter.STOP_WORDS.contains(stripped.toLowerCase(java.util.Locale.ROOT))) {
                stop++;
            }
        }
        if (wordCount < o.minWords()) {
            return "too-few-words";
        }
        if (wordCount > o.maxWords()) {
            return "too-many-words";
        }
        double mean = (double) wordChars / wordCount;
        if (mean < o.minMeanWordLength() || mean > o.maxMeanWordLength()) {
            return "mean-word-length";
        }
        if (symbols > o.maxSymbolWordRatio() * wordCount) {
            return "symbol-word-ratio";
        }
        if (!words.isEmpty() && alpha < o.minAlphaWords() * words.size()) {
            return "non-alphabetic-words";
        }
        if (stop < o.minStopWords()) {
            return "stop-words";
        }
        int nonEmpty = 0;
        int bullets = 0;
        int ellipses = 0;
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (l.isEmpty()) {
                continue;
            }
            nonEmpty++;
            if ("\u2022-*\u2023\u2043\u25E6\u2219\u25AA\u25CF".indexOf(l.charAt(0)) >= 0) {
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
}
