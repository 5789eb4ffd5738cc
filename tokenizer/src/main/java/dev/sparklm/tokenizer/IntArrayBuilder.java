package dev.sparklm.tokenizer;

import java.util.Arrays;

/** A growable int array: token ids without boxing. */
final class IntArrayBuilder {
    private int[] data;
    private int size;

    IntArrayBuilder(int capacity) {
        data = new int[Math.max(4, capacity)];
    }

    void add(int v) {
        if (size == data.length) {
            data = Arrays.copyOf(data, data.length * 2);
        }
        data[size++] = v;
    }

    void addAll(int[] values, int count) {
        if (size + count > data.length) {
            data = Arrays.copyOf(data, Math.max(data.length * 2, size + count));
        }
        System.arraycopy(values, 0, data, size, count);
        size += count;
    }

    int size() {
        return size;
    }

    int[] toArray() {
        return Arrays.copyOf(data, size);
    }
}
