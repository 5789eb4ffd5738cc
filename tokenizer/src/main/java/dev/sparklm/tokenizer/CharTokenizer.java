package dev.sparklm.tokenizer;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * One token per Unicode code point: the classic character-level language model vocabulary
 * (Tiny Shakespeare has 65 characters). Ids 0 and 1 are {@code <|endoftext|>} and
 * {@code <|unk|>}; the alphabet follows in code point order, so the same set of characters
 * always gives the same ids. Code points outside the alphabet encode to {@code <|unk|>}.
 */
public final class CharTokenizer implements Tokenizer {
    public static final String TYPE = "char";
    public static final String UNKNOWN = "<|unk|>";
    static final int EOT_ID = 0;
    static final int UNK_ID = 1;
    private static final int FIRST_CHAR_ID = 2;

    private final int[] alphabet;          // id - FIRST_CHAR_ID -> code point, ascending
    private final int[] bmpIds;            // code point (< 0x10000) -> id, or UNK_ID
    private final Map<Integer, Integer> supplementaryIds = new HashMap<>();

    private CharTokenizer(int[] sortedUniqueCodePoints) {
        this.alphabet = sortedUniqueCodePoints;
        this.bmpIds = new int[0x10000];
        Arrays.fill(bmpIds, UNK_ID);
        for (int i = 0; i < alphabet.length; i++) {
            int cp = alphabet[i];
            if (cp < 0x10000) {
                bmpIds[cp] = i + FIRST_CHAR_ID;
            } else {
                supplementaryIds.put(cp, i + FIRST_CHAR_ID);
            }
        }
    }

    /** A tokenizer whose alphabet is the given code points (any order, duplicates allowed). */
    public static CharTokenizer fromCodePoints(IntStream codePoints) {
        int[] sorted = codePoints.sorted().distinct().toArray();
        for (int cp : sorted) {
            if (!Character.isValidCodePoint(cp)) {
                throw new IllegalArgumentException("not a Unicode code point: " + cp);
            }
        }
        return new CharTokenizer(sorted);
    }

    /** Trains on a text: its alphabet is every code point the text uses. */
    public static CharTokenizer train(CharSequence text) {
        return fromCodePoints(text.codePoints());
    }

    @Override
    public int vocabSize() {
        return alphabet.length + FIRST_CHAR_ID;
    }

    @Override
    public int[] encode(String text) {
        int[] ids = new int[text.length()];
        int n = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            ids[n++] = cp < 0x10000 ? bmpIds[cp] : supplementaryIds.getOrDefault(cp, UNK_ID);
            i += Character.charCount(cp);
        }
        return n == ids.length ? ids : Arrays.copyOf(ids, n);
    }

    @Override
    public String decode(int[] ids) {
        StringBuilder out = new StringBuilder(ids.length);
        for (int id : ids) {
            if (id == EOT_ID) {
                out.append(END_OF_TEXT);
            } else if (id == UNK_ID) {
                out.append('\uFFFD');
            } else if (id >= FIRST_CHAR_ID && id < vocabSize()) {
                out.appendCodePoint(alphabet[id - FIRST_CHAR_ID]);
            } else {
                throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, " + vocabSize() + ")");
            }
        }
        return out.toString();
    }

    /** Number of code points in {@code text} that would encode to {@code <|unk|>}. */
    public long countUnknown(String text) {
        return Arrays.stream(encode(text)).filter(id -> id == UNK_ID).count();
    }

    @Override
    public int endOfTextId() {
        return EOT_ID;
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** The alphabet as a string, in id order. */
    public String alphabet() {
        return new String(alphabet, 0, alphabet.length);
    }

    @Override
    public String toJson() {
        return TokenizerJson.writeChar(this);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CharTokenizer other && Arrays.equals(alphabet, other.alphabet);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(alphabet);
    }

    @Override
    public String toString() {
        return "CharTokenizer(vocab=" + vocabSize() + ")";
    }
}
