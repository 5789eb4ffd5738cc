package dev.sparklm.preprocess.dedup;

import dev.sparklm.preprocess.RegexChars;
import java.io.Serializable;
import java.util.Locale;

/**
 * MinHash signatures of a text's word n-gram shingles (lowercased words): {@code hashes}
 * independent 32-bit values whose pairwise agreement rate estimates the Jaccard similarity of
 * two shingle sets. Hash i of a shingle x is the top 32 bits of mix(x * a_i + b_i), a and b
 * drawn from the seed, so signatures are stable across runs and machines.
 */
public final class MinHash implements Serializable {
    private final int shingleSize;
    private final long[] a;
    private final long[] b;

    public MinHash(int shingleSize, int hashes, long seed) {
        this.shingleSize = shingleSize;
        this.a = new long[hashes];
        this.b = new long[hashes];
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        for (int i = 0; i < hashes; i++) {
            a[i] = random.nextLong() | 1;
            b[i] = random.nextLong();
        }
    }

    public int[] signature(String text) {
        long[] wordHash = wordHashes(text.toLowerCase(Locale.ROOT));
        int n = wordHash.length;
        int[] sig = new int[a.length];
        java.util.Arrays.fill(sig, Integer.MAX_VALUE);
        int shingles = Math.max(1, n - shingleSize + 1);
        for (int s = 0; s < shingles; s++) {
            long x = shingleSize;
            for (int k = s; k < Math.min(n, s + shingleSize); k++) {
                x = mix(x * 31 + wordHash[k]);
            }
            for (int i = 0; i < a.length; i++) {
                int h = (int) (mix(x * a[i] + b[i]) >>> 33);   // non-negative, so signed min works
                if (h < sig[i]) {
                    sig[i] = h;
                }
            }
        }
        return sig;
    }

    /**
     * A hash of each word of {@code text} split as {@code text.split("\\s+")} splits it (runs of
     * ASCII whitespace: space, tab, the line breaks, vertical tab, form feed), from the word's
     * {@code String.hashCode()} and length, computed in place: splitting with the regex and
     * hashing the copies was a third of the signature's time.
     */
    static long[] wordHashes(String text) {
        long[] out = new long[text.length() / 4 + 16];
        int n = 0;
        int i = 0;
        int length = text.length();
        while (i < length) {
            while (i < length && RegexChars.isSpace(text.charAt(i))) {
                i++;
            }
            int start = i;
            int hash = 0;   // String.hashCode of the word
            while (i < length && !RegexChars.isSpace(text.charAt(i))) {
                hash = 31 * hash + text.charAt(i);
                i++;
            }
            if (i > start) {
                if (n == out.length) {
                    out = java.util.Arrays.copyOf(out, n * 2);
                }
                out[n++] = mix(hash + 0x9E3779B97F4A7C15L * (i - start));
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** The share of positions where two signatures agree: the Jaccard estimate. */
    public static double similarity(int[] x, int[] y) {
        int same = 0;
        for (int i = 0; i < x.length; i++) {
            if (x[i] == y[i]) {
                same++;
            }
        }
        return (double) same / x.length;
    }

    /** A 64-bit hash of the band's rows: documents equal on all rows share a bucket. */
    public static long bandHash(int[] sig, int band, int rows) {
        long h = band;
        for (int i = band * rows; i < (band + 1) * rows; i++) {
            h = mix(h * 0x100000001b3L + sig[i]);
        }
        return h;
    }

    private static long mix(long h) {
        return dev.sparklm.io.Hashing.fmix64(h);
    }
}
