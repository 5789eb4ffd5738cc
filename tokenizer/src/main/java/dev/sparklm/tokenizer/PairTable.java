package dev.sparklm.tokenizer;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The merge table: (left id, right id) -> (rank, merged id), in one open-addressing array of
 * primitive longs, so looking up a pair on the encode hot path allocates nothing.
 */
final class PairTable implements Serializable {
    private static final long EMPTY = -1L;
    private final long[] keys;
    private final long[] values;
    private final int mask;
    private int size;

    PairTable(int expected) {
        int capacity = Integer.highestOneBit(Math.max(4, expected * 2 - 1)) << 1;
        keys = new long[capacity];
        values = new long[capacity];
        Arrays.fill(keys, EMPTY);
        mask = capacity - 1;
    }

    static long key(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    private static int slot(long key, int mask) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 29)) & mask;
    }

    /** Returns false if the pair is already present (its first rank wins). */
    boolean put(int left, int right, int rank, int merged) {
        long k = key(left, right);
        int i = slot(k, mask);
        while (keys[i] != EMPTY) {
            if (keys[i] == k) {
                return false;
            }
            i = (i + 1) & mask;
        }
        if (size + 1 > keys.length * 3 / 4) {
            throw new IllegalStateException("pair table full");
        }
        keys[i] = k;
        values[i] = ((long) rank << 32) | (merged & 0xFFFFFFFFL);
        size++;
        return true;
    }

    /** (rank << 32 | merged id), or -1 if the pair never merges. */
    long get(int left, int right) {
        long k = key(left, right);
        int i = slot(k, mask);
        long stored;
        while ((stored = keys[i]) != EMPTY) {
            if (stored == k) {
                return values[i];
            }
            i = (i + 1) & mask;
        }
        return -1L;
    }

    int size() {
        return size;
    }
}
