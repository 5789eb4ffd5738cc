package dev.sparklm.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Byte-level BPE as GPT-2 defines it: text is pre-tokenized into chunks, each chunk's UTF-8
 * bytes start as one token each, and the ranked merges are applied, lowest rank first
 * (leftmost on ties), until no adjacent pair has a merge. Decoding concatenates the tokens'
 * bytes, so it is the exact inverse of encoding for every string.
 *
 * <p>Special tokens (such as {@code <|endoftext|>}) have ids of their own and are never
 * produced by merges; see {@link SpecialTokens} for how text containing them is encoded.
 */
public final class ByteLevelBpeTokenizer implements Tokenizer {
    public static final String TYPE = "bpe";
    /** Chunks up to this many bytes are merged with a linear scan; longer ones with a heap. */
    private static final int SCAN_LIMIT = 64;
    private static final int CACHE_MAX_CHARS = 24;
    private static final int CACHE_ENTRIES = 1 << 16;

    private final byte[][] tokenBytes;             // id -> bytes
    private final int[] byteIds = new int[256];    // byte -> id of its one-byte token
    private final int[][] merges;                  // rank -> {left, right, merged}
    private final PairTable pairs;
    private final PreTokenizer preTokenizer;
    private final LinkedHashMap<String, Integer> specials;
    private final int endOfText;
    private transient ThreadLocal<HashMap<String, int[]>> cache;
    private boolean chunkCache = true;
    private transient volatile String fingerprint;

    /**
     * @param tokenBytes  every token's bytes, by id (special tokens: their UTF-8 text)
     * @param mergePairs  (left id, right id) in rank order; the merged token must be in the vocabulary
     * @param specials    special-token text -> id (ids within {@code tokenBytes})
     * @throws IllegalArgumentException if a byte has no token, or a merge's result is not in the vocabulary
     */
    public ByteLevelBpeTokenizer(byte[][] tokenBytes, List<int[]> mergePairs, Map<String, Integer> specials,
                                 PreTokenizer preTokenizer) {
        this.tokenBytes = tokenBytes;
        this.preTokenizer = preTokenizer;
        this.specials = new LinkedHashMap<>(specials);
        Arrays.fill(byteIds, -1);
        Map<String, Integer> idOf = new HashMap<>(tokenBytes.length * 2);
        for (int id = 0; id < tokenBytes.length; id++) {
            if (tokenBytes[id] == null) {
                throw new IllegalArgumentException("token id " + id + " has no bytes (ids must be 0.." + (tokenBytes.length - 1) + ")");
            }
            if (this.specials.containsValue(id)) {
                continue;
            }
            idOf.putIfAbsent(latin1(tokenBytes[id]), id);
            if (tokenBytes[id].length == 1 && byteIds[tokenBytes[id][0] & 0xFF] < 0) {
                byteIds[tokenBytes[id][0] & 0xFF] = id;
            }
        }
        for (int b = 0; b < 256; b++) {
            if (byteIds[b] < 0) {
                throw new IllegalArgumentException("the vocabulary has no token for byte 0x" + Integer.toHexString(b)
                        + ": a byte-level BPE needs all 256");
            }
        }
        this.merges = new int[mergePairs.size()][];
        this.pairs = new PairTable(mergePairs.size() + 1);
        for (int rank = 0; rank < mergePairs.size(); rank++) {
            int left = mergePairs.get(rank)[0];
            int right = mergePairs.get(rank)[1];
            Integer merged = idOf.get(latin1(tokenBytes[left]) + latin1(tokenBytes[right]));
            if (merged == null) {
                throw new IllegalArgumentException("merge " + rank + " (" + left + ", " + right + ") makes a token that is not in the vocabulary");
            }
            merges[rank] = new int[] {left, right, merged};
            pairs.put(left, right, rank, merged);
        }
        Integer eot = this.specials.get(END_OF_TEXT);
        this.endOfText = eot == null ? -1 : eot;
    }

    static String latin1(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    /**
     * Builds a tokenizer from tiktoken-style ranks (token bytes -> rank = id), recovering each
     * merge by running BPE on the token's bytes with only the lower ranks, as GPT-2's ranks
     * were made.
     */
    public static ByteLevelBpeTokenizer fromRanks(byte[][] bytesByRank, Map<String, Integer> specials, PreTokenizer preTokenizer) {
        int n = bytesByRank.length;
        int size = n;
        for (int id : specials.values()) {
            size = Math.max(size, id + 1);
        }
        byte[][] tokens = Arrays.copyOf(bytesByRank, size);
        specials.forEach((text, id) -> tokens[id] = text.getBytes(StandardCharsets.UTF_8));
        Map<String, Integer> rankOf = new HashMap<>(n * 2);
        for (int r = 0; r < n; r++) {
            rankOf.put(latin1(bytesByRank[r]), r);
        }
        List<int[]> mergePairs = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            byte[] t = bytesByRank[r];
            if (t.length < 2) {
                continue;
            }
            List<byte[]> parts = new ArrayList<>();
            for (byte b : t) {
                parts.add(new byte[] {b});
            }
            while (parts.size() > 2) {
                int best = -1;
                int bestRank = Integer.MAX_VALUE;
                for (int i = 0; i + 1 < parts.size(); i++) {
                    Integer pr = rankOf.get(latin1(parts.get(i)) + latin1(parts.get(i + 1)));
                    if (pr != null && pr < r && pr < bestRank) {
                        bestRank = pr;
                        best = i;
                    }
                }
                if (best < 0) {
                    break;
                }
                byte[] joined = new byte[parts.get(best).length + parts.get(best + 1).length];
                System.arraycopy(parts.get(best), 0, joined, 0, parts.get(best).length);
                System.arraycopy(parts.get(best + 1), 0, joined, parts.get(best).length, parts.get(best + 1).length);
                parts.set(best, joined);
                parts.remove(best + 1);
            }
            if (parts.size() != 2) {
                throw new IllegalArgumentException("rank " + r + " cannot be built from two lower-ranked tokens");
            }
            mergePairs.add(new int[] {rankOf.get(latin1(parts.get(0))), rankOf.get(latin1(parts.get(1)))});
        }
        // Built in rank order: the merge that makes rank r is applied r-th, as tiktoken does.
        return new ByteLevelBpeTokenizer(tokens, mergePairs, specials, preTokenizer);
    }

    // ---------------------------------------------------------------- encoding

    @Override
    public int[] encode(String text) {
        return encode(text, SpecialTokens.AS_TEXT);
    }

    public int[] encode(String text, SpecialTokens policy) {
        IntArrayBuilder out = new IntArrayBuilder(text.length() / 3 + 4);
        if (policy == SpecialTokens.AS_TEXT || specials.isEmpty()) {
            encodeOrdinary(text, 0, text.length(), out);
            return out.toArray();
        }
        int start = 0;
        while (true) {
            int found = -1;
            String which = null;
            for (String s : specials.keySet()) {           // earliest occurrence, longest on ties
                int at = text.indexOf(s, start);
                if (at >= 0 && (found < 0 || at < found || (at == found && s.length() > which.length()))) {
                    found = at;
                    which = s;
                }
            }
            if (found < 0) {
                encodeOrdinary(text, start, text.length(), out);
                return out.toArray();
            }
            if (policy == SpecialTokens.REJECT) {
                throw new IllegalArgumentException("the text contains the special token " + which + " at offset " + found
                        + "; encode it with SpecialTokens.ALLOW or AS_TEXT");
            }
            encodeOrdinary(text, start, found, out);
            out.add(specials.get(which));
            start = found + which.length();
        }
    }

    /**
     * The same tokenizer without the per-thread cache of encoded chunks (same ids; for
     * measuring the merge algorithm alone).
     */
    public ByteLevelBpeTokenizer withoutChunkCache() {
        ByteLevelBpeTokenizer t = new ByteLevelBpeTokenizer(tokenBytes, java.util.Arrays.stream(merges)
                .map(m -> new int[] {m[0], m[1]}).toList(), specials, preTokenizer);
        t.chunkCache = false;
        return t;
    }

    private void encodeOrdinary(String text, int from, int to, IntArrayBuilder out) {
        HashMap<String, int[]> chunks = cache();
        Scratch scratch = new Scratch();
        CharSequence slice = from == 0 && to == text.length() ? text : text.subSequence(from, to);
        preTokenizer.split(slice, (s, e) -> {
            if (this.chunkCache && e - s <= CACHE_MAX_CHARS) {
                String chunk = slice.subSequence(s, e).toString();
                int[] ids = chunks.get(chunk);
                if (ids == null) {
                    ids = encodeChunk(chunk, 0, chunk.length(), scratch);
                    if (chunks.size() >= CACHE_ENTRIES) {
                        chunks.clear();
                    }
                    chunks.put(chunk, ids);
                }
                out.addAll(ids, ids.length);
            } else {
                int[] ids = encodeChunk(slice, s, e, scratch);
                out.addAll(ids, ids.length);
            }
        });
    }

    private HashMap<String, int[]> cache() {
        if (cache == null) {
            synchronized (this) {
                if (cache == null) {
                    cache = ThreadLocal.withInitial(HashMap::new);
                }
            }
        }
        return cache.get();
    }

    /** Reusable buffers of one encode call. */
    private static final class Scratch {
        int[] ids = new int[64];
        long[] ranks = new long[64];
    }

    /** The UTF-8 bytes of text[s, e) as one-byte token ids; lone surrogates become U+FFFD. */
    private int utf8Ids(CharSequence text, int s, int e, Scratch scratch) {
        int[] ids = scratch.ids;
        if (ids.length < (e - s) * 3) {
            // Sized exactly: a 100 MB chunk must not allocate three ints per char.
            ids = scratch.ids = new int[Math.max(utf8Length(text, s, e), 64)];
        }
        int n = 0;
        for (int i = s; i < e; i++) {
            int c = text.charAt(i);
            if (c < 0x80) {
                ids[n++] = byteIds[c];
            } else if (c < 0x800) {
                ids[n++] = byteIds[0xC0 | (c >> 6)];
                ids[n++] = byteIds[0x80 | (c & 0x3F)];
            } else if (Character.isSurrogate((char) c)) {
                if (Character.isHighSurrogate((char) c) && i + 1 < e && Character.isLowSurrogate(text.charAt(i + 1))) {
                    int cp = Character.toCodePoint((char) c, text.charAt(++i));
                    ids[n++] = byteIds[0xF0 | (cp >> 18)];
                    ids[n++] = byteIds[0x80 | ((cp >> 12) & 0x3F)];
                    ids[n++] = byteIds[0x80 | ((cp >> 6) & 0x3F)];
                    ids[n++] = byteIds[0x80 | (cp & 0x3F)];
                } else {                                      // U+FFFD
                    ids[n++] = byteIds[0xEF];
                    ids[n++] = byteIds[0xBF];
                    ids[n++] = byteIds[0xBD];
                }
            } else {
                ids[n++] = byteIds[0xE0 | (c >> 12)];
                ids[n++] = byteIds[0x80 | ((c >> 6) & 0x3F)];
                ids[n++] = byteIds[0x80 | (c & 0x3F)];
            }
        }
        return n;
    }

    private static int utf8Length(CharSequence text, int s, int e) {
        int n = 0;
        for (int i = s; i < e; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < e && Character.isLowSurrogate(text.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    private int[] encodeChunk(CharSequence text, int s, int e, Scratch scratch) {
        int n = utf8Ids(text, s, e, scratch);
        if (n == 1) {
            return new int[] {scratch.ids[0]};
        }
        return n <= SCAN_LIMIT ? mergeByScan(scratch, n) : mergeByHeap(scratch.ids, n);
    }

    /** Short chunks: keep each adjacent pair's (rank, merged) and rescan for the minimum. */
    private int[] mergeByScan(Scratch scratch, int n) {
        int[] ids = scratch.ids;
        long[] ranks = scratch.ranks;
        if (ranks.length < n) {
            ranks = scratch.ranks = new long[Math.max(n, ranks.length * 2)];
        }
        for (int i = 0; i + 1 < n; i++) {
            ranks[i] = rankOf(ids[i], ids[i + 1]);
        }
        while (n > 1) {
            int best = 0;
            for (int i = 1; i + 1 < n; i++) {
                if (ranks[i] < ranks[best]) {
                    best = i;
                }
            }
            if (ranks[best] == Long.MAX_VALUE) {
                break;
            }
            ids[best] = (int) ranks[best];
            System.arraycopy(ids, best + 2, ids, best + 1, n - best - 2);
            System.arraycopy(ranks, best + 2, ranks, best + 1, Math.max(0, n - best - 3));
            n--;
            if (best > 0) {
                ranks[best - 1] = rankOf(ids[best - 1], ids[best]);
            }
            if (best + 1 < n) {
                ranks[best] = rankOf(ids[best], ids[best + 1]);
            }
        }
        return Arrays.copyOf(ids, n);
    }

    /** rank << 32 | merged id, or Long.MAX_VALUE when the pair does not merge. */
    private long rankOf(int left, int right) {
        long v = pairs.get(left, right);
        return v < 0 ? Long.MAX_VALUE : v;
    }

    /**
     * Long chunks (a 100 MB line without spaces is one chunk): a doubly linked list and a
     * min-heap of (rank, position), stale entries skipped when popped. O(n log n).
     */
    private int[] mergeByHeap(int[] source, int n) {
        int[] tok = Arrays.copyOf(source, n);
        int[] next = new int[n];
        int[] prev = new int[n];
        for (int i = 0; i < n; i++) {
            next[i] = i + 1 < n ? i + 1 : -1;
            prev[i] = i - 1;
        }
        LongHeap heap = new LongHeap(n);
        for (int i = 0; i + 1 < n; i++) {
            long v = pairs.get(tok[i], tok[i + 1]);
            if (v >= 0) {
                heap.push((v & 0xFFFFFFFF00000000L) | i);
            }
        }
        boolean[] dead = new boolean[n];
        int alive = n;
        while (!heap.isEmpty()) {
            long top = heap.pop();
            int pos = (int) top;
            int rank = (int) (top >>> 32);
            if (dead[pos] || next[pos] < 0) {
                continue;
            }
            long v = pairs.get(tok[pos], tok[next[pos]]);
            if (v < 0 || (int) (v >>> 32) != rank) {
                continue;
            }
            int q = next[pos];
            tok[pos] = (int) v;
            dead[q] = true;
            alive--;
            next[pos] = next[q];
            if (next[q] >= 0) {
                prev[next[q]] = pos;
            }
            if (prev[pos] >= 0) {
                long l = pairs.get(tok[prev[pos]], tok[pos]);
                if (l >= 0) {
                    heap.push((l & 0xFFFFFFFF00000000L) | prev[pos]);
                }
            }
            if (next[pos] >= 0) {
                long r = pairs.get(tok[pos], tok[next[pos]]);
                if (r >= 0) {
                    heap.push((r & 0xFFFFFFFF00000000L) | pos);
                }
            }
        }
        int[] out = new int[alive];
        int k = 0;
        for (int i = 0; i >= 0; i = next[i]) {
            out[k++] = tok[i];
        }
        return out;
    }

    // ---------------------------------------------------------------- decoding

    /** The bytes the ids stand for (a prefix of a multi-byte character decodes here without loss). */
    public byte[] decodeBytes(int[] ids) {
        int total = 0;
        for (int id : ids) {
            total += bytesOf(id).length;
        }
        byte[] out = new byte[total];
        int k = 0;
        for (int id : ids) {
            byte[] b = tokenBytes[id];
            System.arraycopy(b, 0, out, k, b.length);
            k += b.length;
        }
        return out;
    }

    private byte[] bytesOf(int id) {
        if (id < 0 || id >= tokenBytes.length) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, " + tokenBytes.length + ")");
        }
        return tokenBytes[id];
    }

    /** Decodes to text; byte sequences that are not valid UTF-8 become U+FFFD. */
    /** Each token's own bytes, so a window that starts or ends inside a character still counts exactly. */
    @Override
    public long textBytes(int[] ids, int from, int to) {
        long bytes = 0;
        for (int i = from; i < to; i++) {
            if (ids[i] != endOfText) {
                bytes += tokenBytes[ids[i]].length;
            }
        }
        return bytes;
    }

    @Override
    public String decode(int[] ids) {
        return new String(decodeBytes(ids), StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- description

    @Override
    public int vocabSize() {
        return tokenBytes.length;
    }

    @Override
    public int endOfTextId() {
        if (endOfText < 0) {
            throw new IllegalStateException("this tokenizer has no " + END_OF_TEXT + " special token");
        }
        return endOfText;
    }

    @Override
    public String type() {
        return TYPE;
    }

    public PreTokenizer preTokenizer() {
        return preTokenizer;
    }

    public int mergeCount() {
        return merges.length;
    }

    /** The merge of the given rank: {left id, right id, merged id}. */
    public int[] merge(int rank) {
        return merges[rank].clone();
    }

    public byte[] tokenBytes(int id) {
        return bytesOf(id).clone();
    }

    public Map<String, Integer> specialTokens() {
        return Collections.unmodifiableMap(specials);
    }

    public boolean isSpecial(int id) {
        return specials.containsValue(id);
    }

    @Override
    public String toJson() {
        return HuggingFaceFormat.toTokenizerJson(this);
    }

    @Override
    public String fingerprint() {
        if (fingerprint == null) {
            fingerprint = Tokenizer.super.fingerprint(); // hashes the whole JSON: computed once
        }
        return fingerprint;
    }

    @Override
    public String toString() {
        return "ByteLevelBpeTokenizer(vocab=" + vocabSize() + ", merges=" + merges.length + ", pattern=" + preTokenizer.name() + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ByteLevelBpeTokenizer other && fingerprint().equals(other.fingerprint());
    }

    @Override
    public int hashCode() {
        return fingerprint().hashCode();
    }
}
