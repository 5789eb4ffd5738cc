package dev.sparklm.preprocess.dedup;

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
        String[] words = text.toLowerCase(Locale.ROOT).split("\\s+");
        int start = words.length > 0 && words[0].isEmpty() ? 1 : 0;
        int n = words.length - start;
        long[] wordHash = new long[Math.max(n, 0)];
        for (int i = 0; i < n; i++) {
            wordHash[i] = mix(words[start + i].hashCode() + 0x9E3779B97F4A7C15L * words[start + i].length());
        }
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
