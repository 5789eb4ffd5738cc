package dev.sparklm.preprocess.filter;

import dev.sparklm.io.Hashing;
import dev.sparklm.preprocess.Document;
import java.io.Serializable;
import java.util.Arrays;

/**
 * Gopher's repetition rules (Rae et al. 2021, table A1; DataTrove's GopherRepetitionFilter):
 * the share of duplicated lines and paragraphs (by count and by characters), the share of
 * characters in the most frequent word 2-, 3-, 4-gram, and the share of characters in word 5- to
 * 10-grams that occur more than once.
 */
public final class GopherRepetitionFilter extends DocumentRule {
    /**
     * @param topNgramFractions   index n-2 holds the limit for the top n-gram, n = 2..4
     * @param dupNgramFractions   index n-5 holds the limit for duplicated n-grams, n = 5..10
     */
    public record Options(double maxDupLineFraction, double maxDupParagraphFraction,
                          double maxDupLineCharFraction, double maxDupParagraphCharFraction,
                          double[] topNgramFractions, double[] dupNgramFractions) implements Serializable {}

    private final Options o;

    public GopherRepetitionFilter(Options options) {
        this.o = options;
    }

    @Override
    public String name() {
        return "gopher-repetition";
    }

    @Override
    public String check(String text) {
        LongLongTable table = new LongLongTable();
        String r = duplicates(Spans.pieces(text, 2), o.maxDupParagraphFraction(), o.maxDupParagraphCharFraction(),
                "paragraph", table);
        if (r == null) {
            r = duplicates(Spans.pieces(text, 1), o.maxDupLineFraction(), o.maxDupLineCharFraction(), "line", table);
        }
        return r == null ? ngrams(Spans.words(text), table) : r;
    }

    /** Too many of the pieces (or too many of their characters) repeat an earlier piece. */
    private static String duplicates(Spans pieces, double maxFraction, double maxCharFraction, String what,
                                     LongLongTable table) {
        int n = pieces.count;
        if (n == 0) {
            return null;
        }
        byte[] marks = new byte[n];
        count(identity(n), n, pieces.hash, marks, table);
        int dup = 0;
        long dupChars = 0;
        for (int k = 0; k < n; k++) {
            if (marks[k] == LATER) {
                dup++;
                dupChars += pieces.length[k];
            }
        }
        if (dup > maxFraction * n) {
            return "duplicate-" + what + "s";
        }
        if (dupChars > maxCharFraction * pieces.chars) {
            return "duplicate-" + what + "-chars";
        }
        return null;
    }

    private static int[] identity(int n) {
        int[] starts = new int[n];
        for (int i = 0; i < n; i++) {
            starts[i] = i;
        }
        return starts;
    }

    /**
     * The n-gram rules over word hashes, one pass per n over the starts where the n-gram may
     * repeat: an n-gram's hash extends the (n-1)-gram's at the same start by one word, and an
     * n-gram that occurs twice is made of two (n-1)-grams that do (at its start and the next), so
     * from n = 3 on only those starts are counted. The top n-gram is unchanged by this (if it
     * occurs more than once, every occurrence is counted, in order), and ordinary text has few
     * repeated 4-grams, so the 5- to 10-gram passes are short.
     */
    private String ngrams(Spans words, LongLongTable table) {
        int w = words.count;
        if (w < 2) {
            return null;
        }
        long[] hash = words.hash;
        int[] len = words.length;
        long total = words.chars;
        long[] gram = Arrays.copyOf(hash, w);   // the n-gram hash at each start still counted
        double[] top = o.topNgramFractions();
        double[] dupLimits = o.dupNgramFractions();
        int lastN = Math.min(w, Math.max(1 + top.length, 4 + dupLimits.length));
        int[] starts = identity(w - 1);
        int count = starts.length;
        for (int n = 2; n <= lastN && count > 0; n++) {
            for (int k = 0; k < count; k++) {
                int i = starts[k];
                gram[i] = Hashing.fmix64(gram[i] * 31 + hash[i + n - 1]);
            }
            byte[] repeated = new byte[w];   // FIRST or LATER at the starts of n-grams that occur more than once
            long counted = count(starts, count, gram, repeated, table);
            int best = (int) (counted >>> 32);
            int bestStart = (int) counted;
            if (n - 2 < top.length) {
                long gramChars = 0;
                for (int k = bestStart; k < bestStart + n; k++) {
                    gramChars += len[k];
                }
                if (best > 1 && gramChars * (long) best > top[n - 2] * total) {
                    return "top-" + n + "-gram";
                }
            }
            if (n >= 5 && n - 5 < dupLimits.length) {
                long dupChars = 0;
                int coveredUntil = 0;
                for (int k = 0; k < w; k++) {
                    coveredUntil = repeated[k] != 0 ? k + n : coveredUntil;
                    dupChars += k < coveredUntil ? len[k] : 0;
                }
                if (dupChars > dupLimits[n - 5] * total) {
                    return "duplicate-" + n + "-grams";
                }
            }
            // The (n+1)-grams that may repeat start where this n-gram and the next both repeat
            // (without a branch: which do is as good as random). The last start has no next.
            int next = 0;
            for (int k = 0; k < count; k++) {
                int i = starts[k];
                starts[next] = i;
                next += repeated[i] & repeated[i + 1] & 1;
            }
            count = next > 0 && starts[next - 1] + n >= w ? next - 1 : next;
        }
        return null;
    }

    /** Below this many n-grams a round counts them in one table; above, in parts of about {@link #PART}. */
    static final int PARTITION_ABOVE = 1 << 15;
    static final int PART = 1 << 12;

    /** The marks of an n-gram (or piece) that occurs more than once: at its first occurrence, and at the others. */
    static final byte FIRST = 1;
    static final byte LATER = 3;

    /**
     * Counts the n-grams at {@code starts[0, count)} (ascending), marks in {@code repeated} the
     * starts of those that occur more than once ({@link #FIRST} or {@link #LATER}), and returns
     * the top count << 32 | the first start at which an n-gram reached it. Many n-grams are
     * first dealt into parts by their hashes' top bits, each counted in a table that fits the
     * CPU's cache: one table for a long document's n-grams missed the cache on almost every
     * look-up.
     */
    static long count(int[] starts, int count, long[] gram, byte[] repeated, LongLongTable table) {
        if (count <= PARTITION_ABOVE) {
            return countPart(starts, null, 0, count, gram, repeated, table);
        }
        int bits = 32 - Integer.numberOfLeadingZeros((count - 1) / PART);   // parts of about PART or fewer
        int shift = 64 - bits;
        int[] next = new int[(1 << bits) + 1];
        for (int k = 0; k < count; k++) {
            next[(int) (gram[starts[k]] >>> shift) + 1]++;
        }
        for (int p = 1; p < next.length; p++) {
            next[p] += next[p - 1];
        }
        int[] bounds = next.clone();
        int[] dealt = new int[count];   // starts, by part, ascending within each
        long[] keys = new long[count];
        for (int k = 0; k < count; k++) {
            long g = gram[starts[k]];
            int at = next[(int) (g >>> shift)]++;
            dealt[at] = starts[k];
            keys[at] = g;
        }
        long top = 0;
        for (int p = 0; p + 1 < bounds.length; p++) {
            long partTop = countPart(dealt, keys, bounds[p], bounds[p + 1], gram, repeated, table);
            // The top count, and the earliest start that reached it in any part.
            if (partTop >>> 32 > top >>> 32 || partTop >>> 32 == top >>> 32 && (int) partTop < (int) top) {
                top = partTop;
            }
        }
        return top;
    }

    /** {@link #count} for starts[from, to), whose n-gram hashes are keys[from, to) (or gram[start] if null). */
    private static long countPart(int[] starts, long[] keys, int from, int to, long[] gram, byte[] repeated,
                                  LongLongTable table) {
        table.reset(to - from);
        int best = 0;
        int bestStart = 0;
        for (int k = from; k < to; k++) {
            int i = starts[k];
            int s = table.slot(keys == null ? gram[i] : keys[k]);
            long v = table.value(s);   // how often the n-gram occurred << 32 | the start of its first
            int c = (int) (v >>> 32) + 1;
            if (c == 1) {
                table.setValue(s, 1L << 32 | i);
            } else {
                table.setValue(s, v + (1L << 32));
                repeated[(int) v] = FIRST;
                repeated[i] = LATER;
            }
            if (c > best) {
                best = c;
                bestStart = i;
            }
        }
        return (long) best << 32 | bestStart;
    }

    /** Spans of a text as 64-bit hashes and lengths, without copying them. */
    private static final class Spans {
        long[] hash;
        int[] length;
        int count;
        long chars;

        Spans(int expected) {
            hash = new long[expected];
            length = new int[expected];
        }

        /** Whitespace-separated words (as {@link Words#of}), each hashed in the loop that finds it: one read of each char. */
        static Spans words(String text) {
            Spans w = new Spans(text.length() / 6 + 16);
            int n = text.length();
            int i = 0;
            while (i < n) {
                char c = text.charAt(i);
                if (Words.isWhitespace(c)) {
                    i++;
                    continue;
                }
                int start = i;
                long h = Hashing.FNV_OFFSET;   // Hashing.fnv1a of the word, computed as it is scanned
                do {
                    h = (h ^ c) * Hashing.FNV_PRIME;
                } while (++i < n && !Words.isWhitespace(c = text.charAt(i)));
                w.add(Hashing.fmix64(h), i - start);
            }
            return w;
        }

        /**
         * The pieces of {@code text.split("\n{min,}")} stripped ({@link String#strip}'s white
         * space), the empty ones skipped.
         */
        static Spans pieces(String text, int min) {
            Spans p = new Spans(16);
            int pieceStart = 0;
            int i = 0;
            while ((i = text.indexOf('\n', i)) >= 0) {
                int run = i;
                while (i < text.length() && text.charAt(i) == '\n') {
                    i++;
                }
                if (i - run >= min) {
                    p.addStripped(text, pieceStart, run);
                    pieceStart = i;
                }
            }
            p.addStripped(text, pieceStart, text.length());
            return p;
        }

        private void addStripped(String text, int start, int end) {
            while (start < end && Words.isWhitespace(text.charAt(start))) {
                start++;
            }
            while (end > start && Words.isWhitespace(text.charAt(end - 1))) {
                end--;
            }
            if (start < end) {
                add(Hashing.fmix64(Hashing.fnv1a(text, start, end)), end - start);
            }
        }

        private void add(long spanHash, int spanLength) {
            if (count == hash.length) {
                hash = Arrays.copyOf(hash, count * 2);
                length = Arrays.copyOf(length, count * 2);
            }
            hash[count] = spanHash;
            length[count++] = spanLength;
            chars += spanLength;
        }
    }
}
