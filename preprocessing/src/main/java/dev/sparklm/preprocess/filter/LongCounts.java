package dev.sparklm.preprocess.filter;

import java.util.Arrays;

/** Counts of 64-bit keys in an open-addressing table: no boxing in the per-word loops. */
final class LongCounts {
    private long[] keys;
    private int[] counts;
    private boolean[] used;
    private int size;

    LongCounts(int expected) {
        int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        keys = new long[cap];
        counts = new int[cap];
        used = new boolean[cap];
    }

    /** Adds one to {@code key}'s count and returns the new count. */
    int increment(long key) {
        if (size * 2 >= keys.length) {
            grow();
        }
        int i = slot(key);
        if (!used[i]) {
            used[i] = true;
            keys[i] = key;
            size++;
        }
        return ++counts[i];
    }

    int get(long key) {
        int i = slot(key);
        return used[i] ? counts[i] : 0;
    }

    private int slot(long key) {
        int mask = keys.length - 1;
        int i = (int) mix(key) & mask;
        while (used[i] && keys[i] != key) {
            i = (i + 1) & mask;
        }
        return i;
    }

    private void grow() {
        long[] k = keys;
        int[] c = counts;
        boolean[] u = used;
        keys = new long[k.length * 2];
        counts = new int[k.length * 2];
        used = new boolean[k.length * 2];
        for (int j = 0; j < k.length; j++) {
            if (u[j]) {
                int i = slot(k[j]);
                used[i] = true;
                keys[i] = k[j];
                counts[i] = c[j];
            }
        }
    }

    void clear() {
        Arrays.fill(used, false);
        Arrays.fill(counts, 0);
        size = 0;
    }

    static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h;
    }
}
