package dev.sparklm.tokenizer;

/**
 * GPT-2's pre-tokenization pattern as a single left-to-right scan, with exactly the regular
 * expression's semantics ({@code \s} is Unicode White_Space, {@code \p{L}} letters, {@code \p{N}}
 * numbers; contractions are lowercase only). Several times faster than java.util.regex, which
 * backtracks on {@code \s+(?!\S)}; linear in the text, with no recursion, for any input.
 */
final class Gpt2PreTokenizer extends PreTokenizer {
    private static final byte LETTER = 1, NUMBER = 2, SPACE = 3, OTHER = 4;
    private static final byte[] BMP_CLASS = new byte[0x10000];

    static {
        for (int c = 0; c < 0x10000; c++) {
            BMP_CLASS[c] = computeClass(c);
        }
    }

    @Override
    public String name() {
        return "gpt2";
    }

    /** One instance per JVM, also after a broadcast, so identity checks hold. */
    private Object readResolve() {
        return GPT2;
    }

    private static byte computeClass(int cp) {
        if (Character.isLetter(cp)) {
            return LETTER;
        }
        int type = Character.getType(cp);
        if (type == Character.DECIMAL_DIGIT_NUMBER || type == Character.LETTER_NUMBER || type == Character.OTHER_NUMBER) {
            return NUMBER;
        }
        return isWhiteSpace(cp) ? SPACE : OTHER;
    }

    /** The Unicode White_Space property (what \s means with UNICODE_CHARACTER_CLASS). */
    static boolean isWhiteSpace(int cp) {
        return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F
                || cp == 0x205F || cp == 0x3000;
    }

    private static byte classAt(CharSequence s, int i, int n) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
            return computeClass(Character.toCodePoint(c, s.charAt(i + 1)));
        }
        return BMP_CLASS[c];
    }

    private static int charCount(CharSequence s, int i, int n) {
        return Character.isHighSurrogate(s.charAt(i)) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1)) ? 2 : 1;
    }

    /** End of the run of class {@code cls} starting at {@code i}. */
    private static int run(CharSequence s, int i, int n, byte cls) {
        while (i < n && classAt(s, i, n) == cls) {
            i += charCount(s, i, n);
        }
        return i;
    }

    @Override
    public void split(CharSequence s, ChunkConsumer consumer) {
        int n = s.length();
        int i = 0;
        while (i < n) {
            int end = chunkEnd(s, i, n);
            consumer.accept(i, end);
            i = end;
        }
    }

    private static int chunkEnd(CharSequence s, int i, int n) {
        char c = s.charAt(i);
        if (c == '\'' && i + 1 < n) {                        // 's 't 're 've 'm 'll 'd
            char d = s.charAt(i + 1);
            if (d == 's' || d == 't' || d == 'm' || d == 'd') {
                return i + 2;
            }
            if (i + 2 < n) {
                char e = s.charAt(i + 2);
                if ((d == 'l' && e == 'l') || (d == 'v' && e == 'e') || (d == 'r' && e == 'e')) {
                    return i + 3;
                }
            }
        }
        byte cls = classAt(s, i, n);
        if (c == ' ' && i + 1 < n) {                         // " ?X+" for letters, numbers, others
            byte next = classAt(s, i + 1, n);
            if (next != SPACE) {
                return run(s, i + 1, n, next);
            }
        }
        if (cls != SPACE) {
            return run(s, i, n, cls);
        }
        // \s+(?!\S)|\s+ : a whitespace run, leaving its last character to the next chunk
        // when a non-space follows and the run is longer than one character.
        int end = run(s, i, n, SPACE);
        if (end == n) {
            return end;
        }
        int last = Character.isLowSurrogate(s.charAt(end - 1)) && end - 2 >= i ? end - 2 : end - 1;
        return last > i ? last : end;
    }
}
