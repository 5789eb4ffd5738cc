package dev.sparklm.tokenizer;

import java.util.Arrays;

/** An open-addressing map from long keys to non-negative int values; grows as needed. */
final class LongIntMap {
    private long[] keys;
    private int[] values;
    private int mask;
    private int size;

    LongIntMap(int capacity) {
        int cap = Integer.highestOneBit(Math.max(16, capacity) - 1) << 1;
        keys = new long[cap];
        values = new int[cap];
        Arrays.fill(values, -1);
        mask = cap - 1;
    }

    private static int slot(long key, int mask) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 29)) & mask;
    }

    /** The value, or -1. */
    int get(long key) {
        int i = slot(key, mask);
        while (values[i] >= 0) {
            if (keys[i] == key) {
                return values[i];
            }
            i = (i + 1) & mask;
        }
        return -1;
    }

    void put(long key, int value) {
        if ((size + 1) * 4 > keys.length * 3) {
            grow();
        }
        int i = slot(key, mask);
        while (values[i] >= 0) {
            if (keys[i] == key) {
                values[i] = value;
                return;
            }
            i = (i + 1) & mask;
        }
        keys[i] = key;
        values[i] = value;
        size++;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new int[oldKeys.length * 2];
        Arrays.fill(values, -1);
        mask = keys.length - 1;
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldValues[i] >= 0) {
                put(oldKeys[i], oldValues[i]);
            }
        }
    }
}
