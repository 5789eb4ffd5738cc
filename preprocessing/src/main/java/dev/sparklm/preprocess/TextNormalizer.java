package dev.sparklm.preprocess;

import java.io.Serializable;
import java.text.Normalizer;
import java.util.regex.Pattern;

/** Unicode NFKC and whitespace normalization of one document. */
public final class TextNormalizer implements Serializable {
    private static final Pattern LINE_BREAKS = Pattern.compile("\r\n?|[\u2028\u2029\u0085]");
    private static final Pattern TRAILING_SPACES = Pattern.compile("[ \t\u000B\f]+(?=\n|$)");
    private static final Pattern BLANK_LINE_RUNS = Pattern.compile("\n{3,}");

    private final boolean nfkc;
    private final boolean whitespace;

    public TextNormalizer(boolean nfkc, boolean whitespace) {
        this.nfkc = nfkc;
        this.whitespace = whitespace;
    }

    public String normalize(String text) {
        String s = nfkc ? Normalizer.normalize(text, Normalizer.Form.NFKC) : text;
        if (whitespace) {
            s = LINE_BREAKS.matcher(s).replaceAll("\n");
            s = TRAILING_SPACES.matcher(s).replaceAll("");
            s = BLANK_LINE_RUNS.matcher(s).replaceAll("\n\n");
            s = s.strip();
        }
        return s;
    }
}
