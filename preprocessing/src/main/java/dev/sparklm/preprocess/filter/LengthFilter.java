package dev.sparklm.preprocess.filter;

/** Drops documents shorter than a number of characters (after cleaning): empty pages, stubs. */
public final class LengthFilter extends DocumentRule {
    private final int minChars;

    public LengthFilter(int minChars) {
        this.minChars = minChars;
    }

    @Override
    public String name() {
        return "length";
    }

    @Override
    public String check(String text) {
        return text.length() >= minChars ? null : text.isBlank() ? "empty" : "too-short";
    }
}
