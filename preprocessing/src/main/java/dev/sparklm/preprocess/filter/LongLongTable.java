package dev.sparklm.preprocess.filter;

import java.util.Arrays;

/**
 * An open-addressing map from well-mixed 64-bit keys to longs, for the per-word loops of the
 * repetition rules: no boxing, and key and value side by side in one array, so a look-up in a
 * table larger than the CPU cache costs one cache miss, not three (the cost that dominated).
 * Sized for the keys it is expected to hold, and doubled when it holds more than half its slots;
 * key 0 is stored as 1 (a 2^-64 collision).
 */
final class LongLongTable {
    private long[] slots = new long[32];   // pairs: key (0 = empty), value
    private int mask = 15;
    private int size;

    /** Empties the table and makes room for {@code keys} keys at a load factor of at most 1/2. */
    void reset(int keys) {
        int pairs = capacityFor(keys);
        if (pairs * 2 > slots.length || pairs * 8 < slots.length) {
            slots = new long[pairs * 2];
        } else {
            Arrays.fill(slots, 0L);
        }
        mask = slots.length / 2 - 1;
        size = 0;
    }

    private static int capacityFor(int keys) {
        return Integer.highestOneBit(Math.max(16, keys * 2 - 1)) << 1;
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
                if (2 * (size + 1) > mask + 1) {
                    grow();
                    return slot(k);
                }
                slots[2 * i] = k;
                size++;
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    long value(int slot) {
        return slots[2 * slot + 1];
    }

    void setValue(int slot, long value) {
        slots[2 * slot + 1] = value;
    }

    private void grow() {
        long[] old = slots;
        slots = new long[old.length * 2];
        mask = slots.length / 2 - 1;
        for (int p = 0; p < old.length; p += 2) {
            if (old[p] != 0) {
                int i = (int) old[p] & mask;
                while (slots[2 * i] != 0) {
                    i = (i + 1) & mask;
                }
                slots[2 * i] = old[p];
                slots[2 * i + 1] = old[p + 1];
            }
        }
    }
}
