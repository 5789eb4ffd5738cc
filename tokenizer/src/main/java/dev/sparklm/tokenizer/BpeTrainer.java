package dev.sparklm.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Learns byte-level BPE merges from chunk counts (the pre-tokenized corpus as
 * {@code chunk -> occurrences}), so training is a pure function of the counts, which Spark can
 * compute on executors. The classic fast algorithm: pair counts are kept per pair and updated
 * incrementally in only the words that contain the merged pair; the most frequent pair comes
 * from a lazy max-heap. Ties break as HuggingFace tokenizers' trainer breaks them, so the same
 * counts give the merges it learns (BpeTrainerTest checks 3,000 of them): on the smaller pair of
 * ids in its numbering, where the 256 bytes are ordered by the character GPT-2's byte-level
 * mapping writes them as (so a space, written U+0120, comes after the printable ASCII) and merged
 * tokens follow in the order they were made. Words are processed in sorted order, so the same
 * counts always give the same merges.
 */
public final class BpeTrainer {

    /**
     * @param vocabSize        tokens in all: 256 bytes + merges + special tokens
     * @param minPairFrequency a pair seen fewer times is never merged (training may stop early)
     */
    public record Options(int vocabSize, long minPairFrequency, List<String> specialTokens, PreTokenizer preTokenizer) {
        public Options {
            if (vocabSize < 256 + specialTokens.size()) {
                throw new IllegalArgumentException("vocabulary size " + vocabSize + " is below the 256 byte tokens + "
                        + specialTokens.size() + " special tokens");
            }
            if (minPairFrequency < 1) {
                throw new IllegalArgumentException("minimum pair frequency must be at least 1, not " + minPairFrequency);
            }
        }
    }

    /** Called after each merge: (merges done, merges wanted). */
    public interface Progress {
        void report(int done, int wanted);
    }

    private BpeTrainer() {}

    /** Pre-tokenizes texts and counts their chunks: the local equivalent of the Spark job's count. */
    public static Map<String, Long> countChunks(Iterable<String> texts, PreTokenizer preTokenizer) {
        Map<String, Long> counts = new HashMap<>();
        for (String text : texts) {
            preTokenizer.split(text, (s, e) -> counts.merge(text.substring(s, e), 1L, Long::sum));
        }
        return counts;
    }

    public static ByteLevelBpeTokenizer train(Map<String, Long> chunkCounts, Options options) {
        return train(chunkCounts, options, (done, wanted) -> {});
    }

    public static ByteLevelBpeTokenizer train(Map<String, Long> chunkCounts, Options options, Progress progress) {
        return new Run(chunkCounts, options).train(progress);
    }

    /** The state of one training run. */
    private static final class Run {
        private final Options options;
        // Words: the distinct chunks as symbol sequences, with their frequencies.
        private final int[][] words;
        private final int[] lengths;
        private final long[] freqs;
        // Pairs, densely numbered: pair -> id, and per id its halves, count and words.
        private final LongIntMap pairIds = new LongIntMap(1 << 16);
        private int[] pairLeft = new int[1 << 16];
        private int[] pairRight = new int[1 << 16];
        private long[] pairCount = new long[1 << 16];
        private int[][] pairWords = new int[1 << 16][];
        private int[] pairWordCount = new int[1 << 16];
        private int pairs;
        private final MaxHeap heap = new MaxHeap();
        // Vocabulary being built.
        private final List<byte[]> tokens = new ArrayList<>();
        private final Map<String, Integer> tokenIds = new HashMap<>();
        private final List<int[]> merges = new ArrayList<>();
        private int[] seenInMerge;
        private int[] touched = new int[1024];
        private int touchedCount;

        Run(Map<String, Long> chunkCounts, Options options) {
            this.options = options;
            String[] chunks = chunkCounts.keySet().toArray(new String[0]);
            Arrays.sort(chunks); // a deterministic order, whatever the map's
            words = new int[chunks.length][];
            lengths = new int[chunks.length];
            freqs = new long[chunks.length];
            for (int w = 0; w < chunks.length; w++) {
                byte[] b = chunks[w].getBytes(StandardCharsets.UTF_8);
                words[w] = new int[b.length];
                for (int i = 0; i < b.length; i++) {
                    words[w][i] = b[i] & 0xFF;
                }
                lengths[w] = b.length;
                freqs[w] = chunkCounts.get(chunks[w]);
            }
            seenInMerge = new int[chunks.length];
            Arrays.fill(seenInMerge, -1);
            for (int b = 0; b < 256; b++) {
                tokens.add(new byte[] {(byte) b});
                tokenIds.put(ByteLevelBpeTokenizer.latin1(new byte[] {(byte) b}), b);
            }
        }

        ByteLevelBpeTokenizer train(Progress progress) {
            for (int w = 0; w < words.length; w++) {
                for (int i = 0; i + 1 < lengths[w]; i++) {
                    int p = pairId(words[w][i], words[w][i + 1]);
                    pairCount[p] += freqs[w];
                    addWord(p, w);
                }
            }
            for (int p = 0; p < pairs; p++) {
                heap.push(pairCount[p], p);
            }
            int wanted = options.vocabSize() - 256 - options.specialTokens().size();
            while (tokens.size() - 256 < wanted && !heap.isEmpty()) {
                int p = heap.topPair();
                long snapshot = heap.topCount();
                heap.pop();
                if (snapshot != pairCount[p]) {             // stale: requeue at its current count
                    if (pairCount[p] > 0) {
                        heap.push(pairCount[p], p);
                    }
                    continue;
                }
                if (snapshot < options.minPairFrequency()) {
                    break;
                }
                merge(p);
                progress.report(tokens.size() - 256, wanted);
            }
            byte[][] all = tokens.toArray(new byte[tokens.size() + options.specialTokens().size()][]);
            Map<String, Integer> specials = new LinkedHashMap<>();
            for (String s : options.specialTokens()) {
                specials.put(s, tokens.size() + specials.size());
                all[specials.get(s)] = s.getBytes(StandardCharsets.UTF_8);
            }
            return new ByteLevelBpeTokenizer(all, merges, specials, options.preTokenizer());
        }

        private void merge(int p) {
            int a = pairLeft[p];
            int b = pairRight[p];
            byte[] bytes = concat(tokens.get(a), tokens.get(b));
            String key = ByteLevelBpeTokenizer.latin1(bytes);
            Integer existing = tokenIds.get(key);
            int merged;
            if (existing != null) {
                merged = existing;  // (ab, c) and (a, bc) both make "abc": one token, two merges
            } else {
                merged = tokens.size();
                tokens.add(bytes);
                tokenIds.put(key, merged);
            }
            merges.add(new int[] {a, b});
            int mergeIndex = merges.size();
            touchedCount = 0;
            int[] list = pairWords[p];
            int n = pairWordCount[p];
            for (int k = 0; k < n; k++) {
                int w = list[k];
                if (seenInMerge[w] == mergeIndex) {
                    continue;
                }
                seenInMerge[w] = mergeIndex;
                mergeInWord(w, a, b, merged);
            }
            pairCount[p] = 0;
            pairWords[p] = null;
            pairWordCount[p] = 0;
            for (int i = 0; i < touchedCount; i++) {
                int q = touched[i];
                if (pairCount[q] > 0) {
                    heap.push(pairCount[q], q);
                }
            }
        }

        /** Replaces (a, b) by {@code merged} left to right in one word, updating neighbour pairs. */
        private void mergeInWord(int w, int a, int b, int merged) {
            int[] sym = words[w];
            int len = lengths[w];
            long f = freqs[w];
            int i = 0;
            while (i + 1 < len) {
                if (sym[i] != a || sym[i + 1] != b) {
                    i++;
                    continue;
                }
                if (i > 0) {
                    count(sym[i - 1], a, -f, w);
                    count(sym[i - 1], merged, f, w);
                }
                if (i + 2 < len) {
                    count(b, sym[i + 2], -f, w);
                    count(merged, sym[i + 2], f, w);
                }
                sym[i] = merged;
                System.arraycopy(sym, i + 2, sym, i + 1, len - i - 2);
                len--;
                i++;
            }
            lengths[w] = len;
        }

        private void count(int left, int right, long delta, int w) {
            int q = pairId(left, right);
            pairCount[q] += delta;
            if (delta > 0) {
                addWord(q, w);
                if (touchedCount == touched.length) {
                    touched = Arrays.copyOf(touched, touchedCount * 2);
                }
                touched[touchedCount++] = q;
            }
        }

        private int pairId(int left, int right) {
            long key = PairTable.key(left, right);
            int id = pairIds.get(key);
            if (id >= 0) {
                return id;
            }
            id = pairs++;
            if (id == pairLeft.length) {
                int cap = id * 2;
                pairLeft = Arrays.copyOf(pairLeft, cap);
                pairRight = Arrays.copyOf(pairRight, cap);
                pairCount = Arrays.copyOf(pairCount, cap);
                pairWords = Arrays.copyOf(pairWords, cap);
                pairWordCount = Arrays.copyOf(pairWordCount, cap);
            }
            pairLeft[id] = left;
            pairRight[id] = right;
            pairIds.put(key, id);
            return id;
        }

        private void addWord(int p, int w) {
            int[] list = pairWords[p];
            int n = pairWordCount[p];
            if (list == null) {
                list = pairWords[p] = new int[2];
            } else if (n > 0 && list[n - 1] == w) {
                return;                                     // already listed (consecutive repeats)
            } else if (n == list.length) {
                list = pairWords[p] = Arrays.copyOf(list, n * 2);
            }
            list[n] = w;
            pairWordCount[p] = n + 1;
        }

        /** Max-heap of (count, pair): highest count first, then the smaller (left, right) in {@link #tieOrder}. */
        private final class MaxHeap {
            private long[] counts = new long[1 << 16];
            private int[] ids = new int[1 << 16];
            private int size;

            boolean isEmpty() {
                return size == 0;
            }

            int topPair() {
                return ids[0];
            }

            long topCount() {
                return counts[0];
            }

            private boolean before(long c1, int p1, long c2, int p2) {
                if (c1 != c2) {
                    return c1 > c2;
                }
                if (pairLeft[p1] != pairLeft[p2]) {
                    return tieOrder(pairLeft[p1]) < tieOrder(pairLeft[p2]);
                }
                return tieOrder(pairRight[p1]) < tieOrder(pairRight[p2]);
            }

            void push(long count, int pair) {
                if (size == counts.length) {
                    counts = Arrays.copyOf(counts, size * 2);
                    ids = Arrays.copyOf(ids, size * 2);
                }
                int i = size++;
                while (i > 0) {
                    int parent = (i - 1) >>> 1;
                    if (!before(count, pair, counts[parent], ids[parent])) {
                        break;
                    }
                    counts[i] = counts[parent];
                    ids[i] = ids[parent];
                    i = parent;
                }
                counts[i] = count;
                ids[i] = pair;
            }

            void pop() {
                long lastCount = counts[--size];
                int lastId = ids[size];
                int i = 0;
                while (true) {
                    int child = 2 * i + 1;
                    if (child >= size) {
                        break;
                    }
                    if (child + 1 < size && before(counts[child + 1], ids[child + 1], counts[child], ids[child])) {
                        child++;
                    }
                    if (!before(counts[child], ids[child], lastCount, lastId)) {
                        break;
                    }
                    counts[i] = counts[child];
                    ids[i] = ids[child];
                    i = child;
                }
                counts[i] = lastCount;
                ids[i] = lastId;
            }
        }
    }

    /**
     * A token's place in HuggingFace's numbering: a byte by the code point of its byte-level
     * character (33..323), a merged token (id 256 + its rank) after every byte.
     */
    static int tieOrder(int id) {
        return id < 256 ? ByteLevel.charOf(id) : id + 324;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
