package dev.sparklm.preprocess.filter;

import dev.sparklm.preprocess.Document;
import dev.sparklm.preprocess.DocumentStage;
import dev.sparklm.preprocess.StageCounters;
import java.io.Serializable;
import java.util.List;
import java.util.Locale;

/**
 * C4's rules (Raffel et al. 2020, section 2.2; defaults of DataTrove's C4QualityFilter). Line
 * rules remove lines: without terminal punctuation, with fewer than {@code minWordsPerLine}
 * words or a word longer than {@code maxWordLength}, mentioning javascript, or a terms-of-use /
 * privacy / cookie policy. Document rules drop the document: "lorem ipsum", a curly brace (code),
 * or fewer than {@code minSentences} sentences left.
 */
public final class C4Filter implements DocumentStage {
    static final List<String> POLICY = List.of("terms of use", "privacy policy", "cookie policy", "uses cookies",
            "use of cookies", "use cookies");

    public record Options(boolean terminalPunctuation, int minWordsPerLine, int maxWordLength,
                          boolean javascript, boolean policy, boolean loremIpsum, boolean curlyBrace,
                          int minSentences) implements Serializable {}

    private final Options o;

    public C4Filter(Options options) {
        this.o = options;
    }

    @Override
    public String name() {
        return "c4";
    }

    @Override
    public void apply(Document doc, StageCounters counters) {
        String text = doc.getText();
        String lower = text.toLowerCase(Locale.ROOT);
        if (o.loremIpsum() && lower.contains("lorem ipsum")) {
            doc.dropBy(name(), "lorem-ipsum");
            return;
        }
        if (o.curlyBrace() && text.indexOf('{') >= 0) {
            doc.dropBy(name(), "curly-brace");
            return;
        }
        StringBuilder kept = new StringBuilder(text.length());
        int removed = 0;
        for (String line : text.split("\n", -1)) {
            String l = line.strip();
            if (l.isEmpty()) {
                kept.append('\n');
            } else if (keepLine(l)) {
                kept.append(line).append('\n');
            } else {
                removed++;
            }
        }
        counters.add("c4.lines-removed", removed);
        String result = kept.toString().replaceAll("\n{3,}", "\n\n").strip();
        if (result.isEmpty()) {
            doc.dropBy(name(), "no-lines-left");
        } else if (sentences(result) < o.minSentences()) {
            doc.dropBy(name(), "too-few-sentences");
        } else {
            doc.setText(result);
        }
    }

    boolean keepLine(String line) {
        if (o.terminalPunctuation() && !endsSentence(line)) {
            return false;
        }
        List<String> words = Words.of(line);
        if (words.size() < o.minWordsPerLine()) {
            return false;
        }
        for (String w : words) {
            if (w.length() > o.maxWordLength()) {
                return false;
            }
        }
        String lower = line.toLowerCase(Locale.ROOT);
        if (o.javascript() && lower.contains("javascript")) {
            return false;
        }
        if (o.policy()) {
            for (String p : POLICY) {
                if (lower.contains(p)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean endsSentence(String line) {
        char c = line.charAt(line.length() - 1);
        return c == '.' || c == '!' || c == '?' || c == '"' || c == '\'' || c == '\u201D' || c == '\u2019';
    }

    /** Sentence ends: terminal punctuation followed by whitespace or the end of the text. */
    static int sentences(String text) {
        int n = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c == '.' || c == '!' || c == '?') && (i + 1 == text.length() || Character.isWhitespace(text.charAt(i + 1))
                    || text.charAt(i + 1) == '"' || text.charAt(i + 1) == '\'')) {
                n++;
            }
        }
        return n;
    }
}
