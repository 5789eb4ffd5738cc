package dev.sparklm.preprocess.clean;

import dev.sparklm.preprocess.Document;
import dev.sparklm.preprocess.DocumentStage;
import dev.sparklm.preprocess.StageCounters;
import java.text.Normalizer;
import java.util.regex.Pattern;

/**
 * Unicode NFKC, removal of control and zero-width characters, whitespace normalization and
 * optional lowercasing of one document.
 */
public final class TextNormalizer implements DocumentStage {
    /** "x\bx" (bold) and "_\bx" (underline): the overstrike of man pages and fortunes keeps the last char. */
    private static final Pattern OVERSTRIKE = Pattern.compile("[^\n]\u0008");

    private final boolean nfkc;
    private final boolean whitespace;
    private final boolean lowercase;

    public TextNormalizer(boolean nfkc, boolean whitespace, boolean lowercase) {
        this.nfkc = nfkc;
        this.whitespace = whitespace;
        this.lowercase = lowercase;
    }

    @Override
    public String name() {
        return "normalize";
    }

    @Override
    public void apply(Document doc, StageCounters counters) {
        String before = doc.getText();
        String after = normalize(before);
        if (!after.equals(before)) {
            counters.add("normalize.changed", 1);
        }
        doc.setText(after);
    }

    public String normalize(String text) {
        // One scan decides which passes can change anything: most text is ASCII with no controls.
        boolean nonAscii = false;
        boolean controls = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x7F) {
                nonAscii = true;
            } else if (c < 0x20 && c != '\n' && c != '\t') {
                controls = true;
            }
        }
        String s = nfkc && nonAscii ? Normalizer.normalize(text, Normalizer.Form.NFKC) : text;
        if (controls || nonAscii) {
            s = unifyLineBreaks(s);   // before removing controls: \r and \u0085 are breaks
            if (s.indexOf('\u0008') >= 0) {
                s = OVERSTRIKE.matcher(s).replaceAll("");
            }
            s = removeInvisible(s);
        }
        if (whitespace) {
            s = trimLines(s).strip();
        }
        return lowercase ? s.toLowerCase(java.util.Locale.ROOT) : s;
    }

    /**
     * "\r\n", "\r", U+2028, U+2029 and U+0085 as "\n", in one pass (the regex these replace,
     * {@code \r\n?|[\u2028\u2029\u0085]}, tried a match at every position: with the one below, a
     * tenth of the stages' time on text with any non-ASCII character).
     */
    static String unifyLineBreaks(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean isBreak = c == '\r' || c == '\u2028' || c == '\u2029' || c == '\u0085';
            if (isBreak && out == null) {
                out = new StringBuilder(s.length()).append(s, 0, i);
            }
            if (out != null) {
                out.append(isBreak ? '\n' : c);
                if (c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n') {
                    i++;
                }
            }
        }
        return out == null ? s : out.toString();
    }

    /**
     * Removes C0/C1 controls other than tab and newline, zero-width space and joiners, bidi
     * embedding marks, the word joiner and invisible operators, BOM and soft hyphen.
     */
    static String removeInvisible(String s) {
        StringBuilder out = null;
        int copied = 0;   // s[copied, i) is kept and not yet in out
        for (int i = 0; i < s.length(); i++) {
            if (isInvisible(s.charAt(i))) {
                out = keep(out, s, copied, i);
                copied = i + 1;
            }
        }
        return out == null ? s : out.append(s, copied, s.length()).toString();
    }

    /** {@code out} (made on first use) with {@code s[from, to)} appended: kept text is copied in runs, not char by char. */
    private static StringBuilder keep(StringBuilder out, String s, int from, int to) {
        return (out == null ? new StringBuilder(s.length()) : out).append(s, from, to);
    }

    private static boolean isInvisible(char c) {
        return c <= 0x08 || (c >= 0x0B && c <= 0x1F) || (c >= 0x7F && c <= 0x9F) || (c >= 0x200B && c <= 0x200F)
                || (c >= 0x202A && c <= 0x202E) || (c >= 0x2060 && c <= 0x2064) || c == 0xFEFF || c == 0xAD;
    }

    /**
     * Drops spaces, tabs, vertical tabs and form feeds at the end of each line and keeps at most
     * one empty line in a row, on text whose line breaks are all "\n" by then. Line by line: the
     * newlines are found by {@code indexOf} and only each line's end is read back, where a loop
     * over every char took most of this stage's time (and a regex for the first,
     * "[ \t]+(?=\n|$)", retried every shorter run when a run of spaces was followed by text:
     * quadratic in the run's length).
     */
    static String trimLines(String s) {
        StringBuilder out = null;   // made on the first change
        int copied = 0;    // s[copied, ...) is kept and not yet in out
        int newlines = 0;  // newlines just kept
        int lineStart = 0;
        while (lineStart <= s.length()) {
            int lineEnd = s.indexOf('\n', lineStart);   // a vectorized search: most chars are only passed over
            if (lineEnd < 0) {
                lineEnd = s.length();
            }
            int end = lineEnd;
            while (end > lineStart && isHorizontalSpace(s.charAt(end - 1))) {
                end--;
            }
            if (end < lineEnd) {   // white space at a line's end
                out = keep(out, s, copied, end);
                copied = lineEnd;
            }
            if (end > lineStart) {
                newlines = 0;
            }
            if (lineEnd < s.length()) {
                if (newlines >= 2) {   // a second empty line in a row
                    out = keep(out, s, copied, lineEnd);
                    copied = lineEnd + 1;
                } else {
                    newlines++;
                }
            }
            lineStart = lineEnd + 1;
        }
        return out == null ? s : out.append(s, copied, s.length()).toString();
    }

    private static boolean isHorizontalSpace(char c) {
        return c == ' ' || c == '\t' || c == '\u000B' || c == '\f';
    }
}
