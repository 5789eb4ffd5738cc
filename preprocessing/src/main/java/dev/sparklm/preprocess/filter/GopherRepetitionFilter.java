package dev.sparklm.preprocess.filter;

import dev.sparklm.io.Hashing;
import dev.sparklm.preprocess.Document;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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
        String r = duplicates(splitAtNewlines(text, 2), o.maxDupParagraphFraction(), o.maxDupParagraphCharFraction(), "paragraph");
        if (r == null) {
            r = duplicates(splitAtNewlines(text, 1), o.maxDupLineFraction(), o.maxDupLineCharFraction(), "line");
        }
        return r == null ? ngrams(text) : r;
    }

    /**
     * {@code text.split("\n{min,}")} without the regex (whose matcher tried every position: a tenth
     * of the stages' time): the pieces between runs of at least {@code min} newlines, trailing
     * empty pieces dropped, a leading one kept.
     */
    static String[] splitAtNewlines(String text, int min) {
        List<String> pieces = new ArrayList<>();
        int pieceStart = 0;
        int i = 0;
        while ((i = text.indexOf('\n', i)) >= 0) {
            int run = i;
            while (i < text.length() && text.charAt(i) == '\n') {
                i++;
            }
            if (i - run >= min) {
                pieces.add(text.substring(pieceStart, run));
                pieceStart = i;
            }
        }
        if (pieceStart == 0) {
            return new String[] {text};   // no separator: the text itself, as String.split gives
        }
        pieces.add(text.substring(pieceStart));
        int n = pieces.size();
        while (n > 0 && pieces.get(n - 1).isEmpty()) {
            n--;
        }
        return pieces.subList(0, n).toArray(new String[0]);
    }

    /** Too many pieces (or too many of their characters) repeat an earlier piece. */
    private static String duplicates(String[] pieces, double maxFraction, double maxCharFraction, String what) {
        Set<String> seen = new HashSet<>();
        int n = 0;
        int dup = 0;
        long chars = 0;
        long dupChars = 0;
        for (String p : pieces) {
            String s = p.strip();
            if (s.isEmpty()) {
                continue;
            }
            n++;
            chars += s.length();
            if (!seen.add(s)) {
                dup++;
                dupChars += s.length();
            }
        }
        if (n == 0) {
            return null;
        }
        if (dup > maxFraction * n) {
            return "duplicate-" + what + "s";
        }
        if (dupChars > maxCharFraction * chars) {
            return "duplicate-" + what + "-chars";
        }
        return null;
    }

    /**
     * The n-gram rules over word hashes in one pass per n: an n-gram's hash extends the
     * (n-1)-gram's at the same position by one word, and for n >= 6 only positions whose two
     * (n-1)-grams both repeat are looked up (an n-gram that repeats contains two that do), so on
     * ordinary text the 6- to 10-gram tables hold almost nothing.
     */
    private String ngrams(String text) {
        WordHashes words = WordHashes.of(text);
        int w = words.count;
        if (w < 2) {
            return null;
        }
        long[] hash = words.hash;
        int[] len = words.length;
        long total = words.chars;
        long[] gram = Arrays.copyOf(hash, w);   // after step n: the n-gram hash at each start
        LongIntTable table = new LongIntTable();
        double[] top = o.topNgramFractions();
        double[] dupLimits = o.dupNgramFractions();
        int lastN = Math.min(w, Math.max(1 + top.length, 4 + dupLimits.length));
        boolean[] repeats = null;   // whether the (n-1)-gram at each start occurs more than once
        for (int n = 2; n <= lastN; n++) {
            int starts = w - n + 1;
            for (int i = 0; i < starts; i++) {
                gram[i] = Hashing.fmix64(gram[i] * 31 + hash[i + n - 1]);
            }
            if (n - 2 < top.length) {
                table.reset(starts);
                int best = 0;
                int bestStart = 0;
                for (int i = 0; i < starts; i++) {
                    int c = table.increment(gram[i]);
                    if (c > best) {
                        best = c;
                        bestStart = i;
                    }
                }
                long gramChars = 0;
                for (int k = bestStart; k < bestStart + n; k++) {
                    gramChars += len[k];
                }
                if (best > 1 && gramChars * (long) best > top[n - 2] * total) {
                    return "top-" + n + "-gram";
                }
            }
            if (n >= 5 && n - 5 < dupLimits.length) {
                boolean[] now = new boolean[w];
                int[] candidates = candidates(n == 5 ? null : repeats, starts);
                table.reset(candidates.length);
                for (int i : candidates) {
                    int s = table.slot(gram[i]);
                    int first = table.value(s);   // 1 + the first start, negative once marked
                    if (first == 0) {
                        table.setValue(s, i + 1);
                    } else {
                        if (first > 0) {
                            now[first - 1] = true;
                            table.setValue(s, -first);
                        }
                        now[i] = true;
                    }
                }
                long dupChars = 0;
                int coveredUntil = 0;
                for (int k = 0; k < w; k++) {
                    if (now[k]) {
                        coveredUntil = k + n;
                    }
                    if (k < coveredUntil) {
                        dupChars += len[k];
                    }
                }
                if (dupChars > dupLimits[n - 5] * total) {
                    return "duplicate-" + n + "-grams";
                }
                repeats = now;
            }
        }
        return null;
    }

    /** The starts whose n-gram may repeat: all, or where both (n-1)-grams in it repeat. */
    private static int[] candidates(boolean[] repeats, int starts) {
        int[] out = new int[starts];
        int c = 0;
        for (int i = 0; i < starts; i++) {
            if (repeats == null || (repeats[i] && repeats[i + 1])) {
                out[c++] = i;
            }
        }
        return Arrays.copyOf(out, c);
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
