package dev.sparklm.preprocess.dedup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparklm.io.LocalSpark;
import dev.sparklm.preprocess.RandomTexts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import scala.Tuple2;

class DeduplicationTest {
    static final Deduplication.Options DEFAULTS = new Deduplication.Options(true, true, 5, 14, 8, 0.75, 30, 1);

    /** A random 300-word text over a 2,000-word vocabulary: unrelated texts share almost no 5-grams. */
    static String randomText(Random r, int words) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < words; i++) {
            s.append("w").append(r.nextInt(2000)).append(i % 15 == 14 ? ".\n" : " ");
        }
        return s.toString();
    }

    /** The text with {@code edits} words replaced at random. */
    static String edit(String text, int edits, Random r) {
        String[] w = text.split(" ");
        for (int i = 0; i < edits; i++) {
            w[r.nextInt(w.length)] = "edit" + r.nextInt(1_000_000);
        }
        return String.join(" ", w);
    }

    static Map<Long, String> drops(List<Row> rows, Deduplication.Options o) {
        Map<Long, String> out = new TreeMap<>();
        for (Tuple2<Long, String> t : Deduplication.run(pairs(rows), o, 4).drops().collect()) {
            out.put(t._1(), t._2());
        }
        return out;
    }

    /** (key, text) rows as the pairs dedup reads, in 4 partitions. */
    static JavaPairRDD<Long, String> pairs(List<Row> rows) {
        return JavaSparkContext.fromSparkContext(LocalSpark.get().sparkContext())
                .parallelizePairs(rows.stream().map(r -> new Tuple2<>(r.getLong(0), r.getString(1))).toList(), 4);
    }

    @Test
    void exactAndNearDuplicatesGoAndTheFirstOfEachClusterStays() {
        Random r = new Random(7);
        List<Row> rows = new ArrayList<>();
        String a = randomText(r, 300);
        String b = randomText(r, 300);
        rows.add(RowFactory.create(10L, a));
        rows.add(RowFactory.create(11L, a));                    // exact copy of 10
        rows.add(RowFactory.create(12L, edit(a, 3, r)));        // 1% of words changed: near copy of 10
        rows.add(RowFactory.create(20L, b));
        rows.add(RowFactory.create(21L, edit(b, 60, r)));       // 20% changed: Jaccard of 5-grams far below 0.75
        for (long k = 100; k < 140; k++) {
            rows.add(RowFactory.create(k, randomText(r, 300)));  // unrelated
        }
        Map<Long, String> drops = drops(rows, DEFAULTS);
        assertEquals(Map.of(11L, "dedup:exact-duplicate", 12L, "dedup:near-duplicate"), drops);

        // With near-dedup off only the exact copy goes; with exact off MinHash still finds it.
        assertEquals(Map.of(11L, "dedup:exact-duplicate"),
                drops(rows, new Deduplication.Options(true, false, 5, 14, 8, 0.75, 30, 1)));
        assertEquals(Map.of(11L, "dedup:near-duplicate", 12L, "dedup:near-duplicate"),
                drops(rows, new Deduplication.Options(false, true, 5, 14, 8, 0.75, 30, 1)));
    }

    /** Duplicate clusters by size, for the corpus report: exact ones of 2, 3 and 5 copies, a near one of 2. */
    @Test
    void clusterSizesAreCountedInPowerOfTwoBuckets() {
        Random r = new Random(3);
        List<Row> rows = new ArrayList<>();
        long key = 0;
        for (int copies : new int[] {2, 3, 5, 1, 1}) {
            String text = randomText(r, 200);
            for (int i = 0; i < copies; i++) {
                rows.add(RowFactory.create(key++, text));
            }
        }
        String near = randomText(r, 300);
        rows.add(RowFactory.create(key++, near));
        rows.add(RowFactory.create(key++, edit(near, 2, r)));
        Map<String, Long> counters = Deduplication.run(pairs(rows), DEFAULTS, 4).counters();
        assertEquals(1L, counters.get("exact.cluster-size.2"), counters.toString());
        assertEquals(1L, counters.get("exact.cluster-size.3-4"), counters.toString());
        assertEquals(1L, counters.get("exact.cluster-size.5-8"), counters.toString());
        assertEquals(1L, counters.get("near.cluster-size.2"), counters.toString());
        assertEquals(4, counters.keySet().stream().filter(k -> k.contains("cluster-size")).count(), counters.toString());
        assertEquals("2", Deduplication.sizeBucket(1));
        assertEquals("9-16", Deduplication.sizeBucket(4));
    }

    @Test
    void chainsOfNearDuplicatesFormOneCluster() {
        // Each version edits the previous one a little: the first and the last differ a lot,
        // but connected components put the whole chain in one cluster.
        Random r = new Random(11);
        List<Row> rows = new ArrayList<>();
        String v = randomText(r, 400);
        for (long k = 1; k <= 8; k++) {
            rows.add(RowFactory.create(k * 1000 + (k % 2 == 0 ? 1 : -1) * k, v));
            v = edit(v, 4, r);
        }
        Map<Long, String> drops = drops(rows, new Deduplication.Options(false, true, 5, 20, 5, 0.8, 30, 1));
        assertEquals(7, drops.size(), drops.toString());
        long smallest = rows.stream().mapToLong(x -> x.getLong(0)).min().orElseThrow();
        assertTrue(!drops.containsKey(smallest), "the smallest key survives");
    }

    /**
     * The distributed steps against the definition computed on the driver, over a few hundred
     * documents in clusters of exact and near copies, some chained: exact groups by string
     * equality, candidate pairs as each band bucket's members linked to its smallest key,
     * edges where the signatures agree enough, clusters by union-find.
     */
    @Test
    void dropsAndCountsMatchTheDefinitionComputedOnTheDriver() {
        Random r = new Random(5);
        List<Row> rows = new ArrayList<>();
        java.util.Set<Long> used = new java.util.HashSet<>();
        for (int base = 0; base < 60; base++) {
            String v = randomText(r, 150 + r.nextInt(200));
            int versions = r.nextInt(5);
            for (int i = 0; i <= versions; i++) {
                int copies = r.nextInt(4) == 0 ? 1 + r.nextInt(3) : 1;
                for (int c = 0; c < copies; c++) {
                    long key;
                    do {
                        key = r.nextInt(1_000_000);
                    } while (!used.add(key));
                    rows.add(RowFactory.create(key, v));
                }
                v = edit(v, 1 + r.nextInt(8), r);   // the next version edits this one: chains
            }
        }
        Deduplication.Options o = new Deduplication.Options(true, true, 5, 14, 8, 0.75, 30, 1);

        // Exact: equal strings; the smallest key of each group stays.
        Map<String, List<Long>> byText = new java.util.HashMap<>();
        rows.forEach(x -> byText.computeIfAbsent(x.getString(1), t -> new ArrayList<>()).add(x.getLong(0)));
        Map<Long, String> expected = new TreeMap<>();
        Map<String, Long> counts = new TreeMap<>();
        Map<Long, String> survivors = new TreeMap<>();
        byText.forEach((text, keys) -> {
            long first = keys.stream().mapToLong(Long::longValue).min().orElseThrow();
            keys.stream().filter(k -> k != first).forEach(k -> expected.put(k, "dedup:exact-duplicate"));
            survivors.put(first, text);
            if (keys.size() > 1) {
                counts.merge("exact.cluster-size." + bucketOf(keys.size()), 1L, Long::sum);
            }
        });
        // Near: candidates from band buckets, edges by signature agreement, union-find clusters.
        MinHash m = new MinHash(o.shingleSize(), o.bands() * o.rows(), o.seed());
        Map<Long, int[]> sig = new TreeMap<>();
        survivors.forEach((k, t) -> sig.put(k, m.signature(t)));
        Map<String, Long> roots = new java.util.HashMap<>();
        sig.forEach((k, s) -> {
            for (int b = 0; b < o.bands(); b++) {
                roots.merge(b + ":" + MinHash.bandHash(s, b, o.rows()), k, Math::min);
            }
        });
        java.util.Set<List<Long>> pairs = new java.util.HashSet<>();
        sig.forEach((k, s) -> {
            for (int b = 0; b < o.bands(); b++) {
                long root = roots.get(b + ":" + MinHash.bandHash(s, b, o.rows()));
                if (root != k) {
                    pairs.add(List.of(k, root));
                }
            }
        });
        Map<Long, Long> parent = new java.util.HashMap<>();
        long similar = 0;
        for (List<Long> p : pairs) {
            if (MinHash.similarity(sig.get(p.get(0)), sig.get(p.get(1))) >= o.threshold()) {
                similar++;
                parent.put(find(parent, p.get(0)), find(parent, p.get(1)));
            }
        }
        Map<Long, List<Long>> clusters = new java.util.HashMap<>();
        for (long k : new ArrayList<>(parent.keySet())) {
            clusters.computeIfAbsent(find(parent, k), x -> new ArrayList<>()).add(k);
        }
        for (List<Long> members : clusters.values()) {
            long first = members.stream().mapToLong(Long::longValue).min().orElseThrow();
            members.stream().filter(k -> k != first).forEach(k -> expected.put(k, "dedup:near-duplicate"));
            counts.merge("near.cluster-size." + bucketOf(members.size()), 1L, Long::sum);
        }
        counts.put("near.candidate-pairs", (long) pairs.size());
        counts.put("near.similar-pairs", similar);
        counts.put("near.clusters", (long) clusters.size());
        assertTrue(counts.get("near.clusters") > 10 && counts.keySet().stream().anyMatch(k -> k.startsWith("exact.")),
                "the corpus has both kinds of clusters: " + counts);

        // Near-dedup's input without the exact copies: their keys broadcast, and (more than the
        // limit) joined.
        for (int broadcastLimit : new int[] {Deduplication.BROADCAST_DROPS, 0}) {
            Deduplication.Result result = Deduplication.run(pairs(rows), o, 4, broadcastLimit);
            List<Tuple2<Long, String>> collected = result.drops().collect();
            Map<Long, String> drops = new TreeMap<>();
            collected.forEach(x -> drops.put(x._1(), x._2()));
            assertEquals(drops.size(), collected.size(), "each document dropped once");
            Map<String, Long> byReason = new TreeMap<>();
            drops.values().forEach(reason -> byReason.merge(reason, 1L, Long::sum));
            assertEquals(byReason, result.byReason());
            assertEquals(drops.size(), result.dropCount());
            Map<String, Long> got = new TreeMap<>(result.counters());
            assertTrue(got.remove("near.rounds") >= 1, result.counters().toString());
            assertEquals(counts, got);
            assertEquals(expected, drops);
            result.release();
        }
    }

    private static long find(Map<Long, Long> parent, long k) {
        parent.putIfAbsent(k, k);
        long p = parent.get(k);
        return p == k ? k : find(parent, p);
    }

    /** Cluster size buckets written out: 2, 3-4, 5-8, 9-16. */
    private static String bucketOf(int size) {
        return size == 2 ? "2" : size <= 4 ? "3-4" : size <= 8 ? "5-8" : size <= 16 ? "9-16" : "17-32";
    }

    /** Words as {@code split("\\s+")} gives them, hashed from their String.hashCode and length. */
    @Test
    void wordHashesSplitAsTheRegexDoes() {
        String[] pieces = {"a", "Bc", "w1", "\u0130", "\uD83D\uDE00", ".", " ", "  ", "\t", "\n", "\r\n", "\u000B", "\f",
                "\u00A0", "\u2003", "\u001C", "\u0085", "\u2028", ""};
        Random r = new Random(9);
        for (int t = 0; t < 20_000; t++) {
            String text = RandomTexts.of(r, pieces, 12);
            String[] words = text.split("\\s+");
            List<Long> expected = new ArrayList<>();
            for (String w : words) {
                if (!w.isEmpty()) {   // the leading empty piece of a text that starts with a space
                    expected.add(dev.sparklm.io.Hashing.fmix64(w.hashCode() + 0x9E3779B97F4A7C15L * w.length()));
                }
            }
            List<Long> got = new ArrayList<>();
            for (long h : MinHash.wordHashes(text)) {
                got.add(h);
            }
            assertEquals(expected, got, () -> "words of '" + text + "'");
        }
    }

    @Test
    void minHashEstimatesJaccard() {
        Random r = new Random(3);
        MinHash m = new MinHash(5, 256, 42);
        String a = randomText(r, 1000);
        assertEquals(1.0, MinHash.similarity(m.signature(a), m.signature(a)));
        double unrelated = MinHash.similarity(m.signature(a), m.signature(randomText(r, 1000)));
        assertTrue(unrelated < 0.05, "unrelated: " + unrelated);
        // 10 edits in 1000 words change at most 50 of ~996 shingles: Jaccard >= 0.9.
        double near = MinHash.similarity(m.signature(a), m.signature(edit(a, 10, r)));
        assertTrue(near > 0.85, "near: " + near);
        assertTrue(MinHash.similarity(m.signature(a), m.signature(a.toUpperCase())) == 1.0, "case-insensitive");
    }
}
