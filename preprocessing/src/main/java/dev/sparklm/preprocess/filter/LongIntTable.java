package dev.sparklm.preprocess.filter;

import java.util.Arrays;

/**
 * An open-addressing map from well-mixed 64-bit keys to ints, for the per-word loops of the
 * repetition rules: no boxing, and key and value side by side in one array, so a look-up in a
 * table larger than the CPU cache costs one cache miss, not three (the cost that dominated).
 * Sized once per use for the keys it will hold; key 0 is stored as 1 (a 2^-64 collision).
 */
final class LongIntTable {
    private long[] slots = new long[32];   // pairs: key (0 = empty), value
    private int mask = 15;

    /** Empties the table and makes room for {@code keys} keys at a load factor of at most 1/2. */
    void reset(int keys) {
        int pairs = Integer.highestOneBit(Math.max(16, keys * 2 - 1)) << 1;
        if (pairs * 2 > slots.length || pairs * 8 < slots.length) {
            slots = new long[pairs * 2];
        } else {
            Arrays.fill(slots, 0L);
        }
        mask = slots.length / 2 - 1;
    }

    /** The slot of {@code key}, claimed with value 0 if the key is new. */
    int slot(long key) {
        long k = key == 0 ? 1 : key;
        int i = (int) k & mask;
        while (true) {
            long held = slots[2 * i];
            if (held == k) {
                return i;
            }
            if (held == 0) {
                slots[2 * i] = k;
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    int value(int slot) {
        return (int) slots[2 * slot + 1];
    }

    void setValue(int slot, int value) {
        slots[2 * slot + 1] = value;
    }

    /** Adds one to {@code key}'s value and returns it. */
    int increment(long key) {
        int s = slot(key);
        int v = value(s) + 1;
        setValue(s, v);
        return v;
    }
}
