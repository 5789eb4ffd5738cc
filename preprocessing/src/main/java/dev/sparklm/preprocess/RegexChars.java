package dev.sparklm.preprocess;

/**
 * What java.util.regex means by two of its character classes (without UNICODE_CHARACTER_CLASS or
 * UNIX_LINES), for the scans that stand in for regexes and must match exactly what they matched.
 */
public final class RegexChars {
    private RegexChars() {}

    /** {@code \s}: space, tab, line feed, vertical tab, form feed, carriage return. */
    public static boolean isSpace(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    /**
     * A line terminator: what {@code .} does not match without DOTALL, and what {@code ^} follows
     * with MULTILINE: \n, \r, U+0085, U+2028, U+2029.
     */
    public static boolean isLineTerminator(char c) {
        return c == '\n' || c == '\r' || c == '\u0085' || (c | 1) == '\u2029';
    }
}
