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
        String r = duplicates(text, 2, o.maxDupParagraphFraction(), o.maxDupParagraphCharFraction(), "paragraph", table);
        if (r == null) {
            r = duplicates(text, 1, o.maxDupLineFraction(), o.maxDupLineCharFraction(), "line", table);
        }
        return r == null ? ngrams(text, table) : r;
    }

    /**
     * Too many of the pieces of {@code text.split("\n{min,}")}, stripped, empty ones skipped,
     * repeat an earlier piece (or too many of their characters do). Read in place: each piece's
     * stripped span is hashed (64 bits, as the words are), not copied into a set of strings.
     */
    private static String duplicates(String text, int min, double maxFraction, double maxCharFraction, String what,
                                     LongLongTable seen) {
        seen.reset(64);
        long[] counts = new long[4];   // pieces, repeated pieces, their characters, the repeated ones'
        int pieceStart = 0;
        int i = 0;
        while ((i = text.indexOf('\n', i)) >= 0) {
            int run = i;
            while (i < text.length() && text.charAt(i) == '\n') {
                i++;
            }
            if (i - run >= min) {
                countPiece(text, pieceStart, run, seen, counts);
                pieceStart = i;
            }
        }
        countPiece(text, pieceStart, text.length(), seen, counts);
        long n = counts[0];
        if (n == 0) {
            return null;
        }
        if (counts[1] > maxFraction * n) {
            return "duplicate-" + what + "s";
        }
        if (counts[3] > maxCharFraction * counts[2]) {
            return "duplicate-" + what + "-chars";
        }
        return null;
    }

    /** Counts the piece text[start, end) stripped of white space ({@link String#strip}'s), unless empty. */
    private static void countPiece(String text, int start, int end, LongLongTable seen, long[] counts) {
        while (start < end && Words.isWhitespace(text.charAt(start))) {
            start++;
        }
        while (end > start && Words.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        if (start == end) {
            return;
        }
        counts[0]++;
        counts[2] += end - start;
        int s = seen.slot(Hashing.fmix64(Hashing.fnv1a(text, start, end)));
        if (seen.value(s) != 0) {
            counts[1]++;
            counts[3] += end - start;
        } else {
            seen.setValue(s, 1);
        }
    }

    /**
     * The n-gram rules over word hashes, one pass per n over the starts where the n-gram may
     * repeat: an n-gram's hash extends the (n-1)-gram's at the same start by one word, and an
     * n-gram that occurs twice is made of two (n-1)-grams that do (at its start and the next), so
     * from n = 3 on only those starts are counted. The top n-gram is unchanged by this (if it
     * occurs more than once, every occurrence is counted, in order), and ordinary text has few
     * repeated 4-grams, so the 5- to 10-gram passes are short.
     */
    private String ngrams(String text, LongLongTable table) {
        WordHashes words = WordHashes.of(text);
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
        int[] starts = new int[w - 1];
        for (int i = 0; i < starts.length; i++) {
            starts[i] = i;
        }
        int count = starts.length;
        for (int n = 2; n <= lastN && count > 0; n++) {
            for (int k = 0; k < count; k++) {
                int i = starts[k];
                gram[i] = Hashing.fmix64(gram[i] * 31 + hash[i + n - 1]);
            }
            byte[] repeated = new byte[w];   // 1 at the starts of n-grams that occur more than once
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
                next += repeated[i] & repeated[i + 1];
            }
            count = next > 0 && starts[next - 1] + n >= w ? next - 1 : next;
        }
        return null;
    }

    /** Below this many n-grams a round counts them in one table; above, in parts of about {@link #PART}. */
    static final int PARTITION_ABOVE = 1 << 15;
    static final int PART = 1 << 12;

    /**
     * Counts the n-grams at {@code starts[0, count)} (ascending), marks in {@code repeated} the
     * starts of those that occur more than once, and returns the top count << 32 | the first start
     * at which an n-gram reached it. Many n-grams are first dealt into parts by their hashes' top
     * bits, each counted in a table that fits the CPU's cache: one table for a long document's
     * n-grams missed the cache on almost every look-up.
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
                repeated[(int) v] = 1;   // the first occurrence's start
                repeated[i] = 1;
            }
            if (c > best) {
                best = c;
                bestStart = i;
            }
        }
        return (long) best << 32 | bestStart;
    }

    /** Whitespace-separated words (as {@link Words#of}) as 64-bit hashes and lengths, no substrings. */
    private static final class WordHashes {
        long[] hash;
        int[] length;
        int count;
        long chars;

        static WordHashes of(String text) {
            WordHashes w = new WordHashes();
            w.hash = new long[text.length() / 6 + 16];
            w.length = new int[w.hash.length];
            Words.forEach(text, (start, end) -> {
                if (w.count == w.hash.length) {
                    w.hash = Arrays.copyOf(w.hash, w.count * 2);
                    w.length = Arrays.copyOf(w.length, w.count * 2);
                }
                w.hash[w.count] = Hashing.fmix64(Hashing.fnv1a(text, start, end));
                w.length[w.count++] = end - start;
                w.chars += end - start;
            });
            return w;
        }
    }
}
