package dev.sparklm.preprocess.filter;

import java.io.Serializable;
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
        String r = duplicates(text.split("\n\n+"), o.maxDupParagraphFraction(), o.maxDupParagraphCharFraction(), "paragraph");
        if (r == null) {
            r = duplicates(text.split("\n+"), o.maxDupLineFraction(), o.maxDupLineCharFraction(), "line");
        }
        return r == null ? ngrams(Words.of(text)) : r;
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

    private String ngrams(List<String> words) {
        int w = words.size();
        if (w < 2) {
            return null;
        }
        long[] hash = new long[w];
        int[] len = new int[w];
        long total = 0;
        for (int i = 0; i < w; i++) {
            hash[i] = LongCounts.mix(words.get(i).hashCode() * 0x9E3779B97F4A7C15L + words.get(i).length());
            len[i] = words.get(i).length();
            total += len[i];
        }
        LongCounts counts = new LongCounts(w);
        double[] top = o.topNgramFractions();
        for (int n = 2; n < 2 + top.length && n <= w; n++) {
            counts.clear();
            int best = 0;
            int bestStart = 0;
            for (int i = 0; i + n <= w; i++) {
                int c = counts.increment(gram(hash, i, n));
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
        double[] dupLimits = o.dupNgramFractions();
        boolean[] covered = new boolean[w];
        for (int n = 5; n < 5 + dupLimits.length && n <= w; n++) {
            counts.clear();
            for (int i = 0; i + n <= w; i++) {
                counts.increment(gram(hash, i, n));
            }
            java.util.Arrays.fill(covered, false);
            for (int i = 0; i + n <= w; i++) {
                if (counts.get(gram(hash, i, n)) > 1) {
                    java.util.Arrays.fill(covered, i, i + n, true);
                }
            }
            long dupChars = 0;
            for (int k = 0; k < w; k++) {
                if (covered[k]) {
                    dupChars += len[k];
                }
            }
            if (dupChars > dupLimits[n - 5] * total) {
                return "duplicate-" + n + "-grams";
            }
        }
        return null;
    }

    private static long gram(long[] hash, int start, int n) {
        long h = n;
        for (int k = start; k < start + n; k++) {
            h = LongCounts.mix(h * 31 + hash[k]);
        }
        return h;
    }
}
