package dev.sparklm.preprocess;

import dev.sparklm.io.Hashing;

/**
 * Counts the pre-tokenizer's chunks of a partition's documents, a chunk given as a range of its
 * document: a chunk seen before costs a hash and a comparison of its chars in place, and only a
 * new one becomes a string. (A {@code HashMap<String, Long>} fed with substrings made a string
 * and a boxed count for every chunk of the corpus: most of the tokenizer phase's time.)
 */
final class ChunkCounter {
    private String[] keys = new String[1024];
    private int[] hashes = new int[1024];
    private long[] counts = new long[1024];
    private int size;

    /** Counts {@code text[start, end)} once. */
    void add(String text, int start, int end) {
        int h = hash(text, start, end);
        int mask = keys.length - 1;
        int length = end - start;
        for (int i = h & mask; ; i = (i + 1) & mask) {
            String key = keys[i];
            if (key == null) {
                keys[i] = text.substring(start, end);
                hashes[i] = h;
                counts[i] = 1;
                if (++size * 2 > keys.length) {
                    grow();
                }
                return;
            }
            if (hashes[i] == h && key.length() == length && text.regionMatches(start, key, 0, length)) {
                counts[i]++;
                return;
            }
        }
    }

    int size() {
        return size;
    }

    interface Entry {
        void accept(String chunk, long count);
    }

    /** Every distinct chunk with its count, in no particular order. */
    void forEach(Entry consumer) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != null) {
                consumer.accept(keys[i], counts[i]);
            }
        }
    }

    private void grow() {
        String[] oldKeys = keys;
        int[] oldHashes = hashes;
        long[] oldCounts = counts;
        keys = new String[oldKeys.length * 2];
        hashes = new int[keys.length];
        counts = new long[keys.length];
        int mask = keys.length - 1;
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldKeys[j] != null) {
                int i = oldHashes[j] & mask;
                while (keys[i] != null) {
                    i = (i + 1) & mask;
                }
                keys[i] = oldKeys[j];
                hashes[i] = oldHashes[j];
                counts[i] = oldCounts[j];
            }
        }
    }

    private static int hash(String text, int start, int end) {
        return (int) Hashing.fmix64(Hashing.fnv1a(text, start, end));
    }
}
