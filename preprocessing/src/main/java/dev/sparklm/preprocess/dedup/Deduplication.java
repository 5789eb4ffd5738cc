package dev.sparklm.preprocess.dedup;

import dev.sparklm.io.Hashing;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.HashPartitioner;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaRDDLike;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * Exact and near-duplicate removal over the kept documents. Exact: SHA-256 of the normalized
 * text, the smallest key of each hash kept. Near: MinHash signatures split into bands x rows;
 * documents sharing a band bucket become candidates, each linked to the bucket's smallest key (a
 * star, never all pairs), kept as an edge only if their signatures agree on at least
 * {@code threshold} of the hashes; connected components of those edges are the clusters, and
 * the smallest key of each survives. MinHash, most of dedup's time, signs only the documents
 * that are no exact copy of another. Counts reach the driver, and the exact copies' keys while
 * they are at most {@link #BROADCAST_DROPS}.
 *
 * <p>Written on RDDs with one partitioner: each step is at most one shuffle, and only keys,
 * digests and signatures move, never texts unless more than {@link #BROADCAST_DROPS} exact copies
 * must be taken out of near-dedup's input. The same steps as Spark SQL queries made about 30 jobs
 * whose planning and code generation took 10-14 s however few the documents.
 */
public final class Deduplication {
    private static final Logger LOG = LoggerFactory.getLogger(Deduplication.class);
    public static final String STAGE = "dedup";
    static final String EXACT = STAGE + ":exact-duplicate";
    static final String NEAR = STAGE + ":near-duplicate";
    private static final StorageLevel CACHE = StorageLevel.MEMORY_AND_DISK_SER();
    private static final StorageLevel DROPS = StorageLevel.MEMORY_AND_DISK();

    public record Options(boolean exact, boolean near, int shingleSize, int bands, int rows, double threshold,
                          int maxRounds, long seed) implements Serializable {}

    /**
     * @param drops    (key, reason) of every document to drop, reason "dedup:exact-duplicate" or
     *                 "dedup:near-duplicate"; cached
     * @param byReason how many drops there are of each reason
     * @param counters candidate pairs, verified pairs, clusters, rounds
     * @param cached   what else dedup persisted for {@code drops}: {@link #release} it once the drops
     *                 are applied and materialized
     */
    public record Result(JavaPairRDD<Long, String> drops, Map<String, Long> byReason, Map<String, Long> counters,
                         List<JavaRDDLike<?, ?>> cached) {
        public long dropCount() {
            return byReason.values().stream().mapToLong(Long::longValue).sum();
        }

        public void release() {
            drops.unpersist(false);
            cached.forEach(r -> r.rdd().unpersist(false));
        }
    }

    /** A SHA-256 as four longs: equal texts, equal digests (a record, so it is a shuffle key). */
    record Digest(long a, long b, long c, long d) implements Serializable {
        static Digest of(String text) {
            ByteBuffer h = ByteBuffer.wrap(Hashing.sha256().digest(text.getBytes(StandardCharsets.UTF_8)));
            return new Digest(h.getLong(), h.getLong(), h.getLong(), h.getLong());
        }
    }

    /** A band's bucket: documents with the same one agree on all of the band's rows. */
    record Bucket(int band, long hash) implements Serializable {}

    private Deduplication() {}

    /**
     * @param kept       (key, text) of the documents still kept
     * @param partitions of every shuffle here (the job sizes it to the input and the cluster)
     */
    public static Result run(JavaPairRDD<Long, String> kept, Options o, int partitions) {
        return run(kept, o, partitions, BROADCAST_DROPS);
    }

    /** @param broadcastLimit at most this many exact copies are broadcast to near-dedup's input, more are joined */
    static Result run(JavaPairRDD<Long, String> kept, Options o, int partitions, int broadcastLimit) {
        Partitioner partitioner = new HashPartitioner(partitions);
        Map<String, Long> counters = new LinkedHashMap<>();
        Map<String, Long> byReason = new TreeMap<>();
        List<JavaRDDLike<?, ?>> cached = new ArrayList<>();
        JavaPairRDD<Long, String> drops = none(kept.context());
        // What near-dedup signs: no exact copy of another document. MinHash is most of dedup's
        // time, and exact copies can be a large part of a crawl.
        JavaRDD<Tuple2<Long, String>> unique = kept.rdd().toJavaRDD();
        if (o.exact()) {
            // Keys partitioned by their text's digest: each group of equal texts, its smallest key
            // and size, and the keys tagged with their group all stay in that partition.
            JavaPairRDD<Digest, Long> byDigest = kept.mapToPair(r -> new Tuple2<>(Digest.of(r._2()), r._1()))
                    .partitionBy(partitioner);
            JavaPairRDD<Digest, long[]> groups = byDigest.mapValues(k -> new long[] {k, 1})
                    .reduceByKey(partitioner, (x, y) -> new long[] {Math.min(x[0], y[0]), x[1] + y[1]});
            long copies = clusterSizes(groups.values().map(g -> g[1]), "exact", counters).drops();
            if (copies > 0) {
                JavaPairRDD<Long, String> exactDrops = byDigest.join(groups, partitioner).values()
                        .filter(t -> t._1() != t._2()[0])
                        .mapToPair(t -> new Tuple2<>(t._1(), EXACT))
                        .persist(DROPS);
                cached.add(exactDrops);
                byReason.put(EXACT, copies);
                drops = exactDrops;
                if (o.near()) {
                    unique = without(unique, Tuple2::_1, exactDrops, copies, broadcastLimit);
                }
            }
        }
        if (o.near()) {
            MinHash minHash = new MinHash(o.shingleSize(), o.bands() * o.rows(), o.seed());
            Clusters near = near(unique.mapToPair(r -> new Tuple2<>(r._1(), minHash.signature(r._2()))), o, partitioner,
                    counters, cached);
            if (near.drops() > 0) {
                byReason.put(NEAR, near.drops());
                drops = drops.union(near.labels().filter(t -> !t._1().equals(t._2())).mapToPair(t -> new Tuple2<>(t._1(), NEAR)));
            }
        }
        if (drops.getStorageLevel().equals(StorageLevel.NONE())) {   // else it is the exact drops alone
            drops.persist(DROPS);
        }
        return new Result(drops, byReason, counters, cached);
    }

    /** Up to this many dropped keys are broadcast to the documents (8 bytes each). */
    public static final int BROADCAST_DROPS = 1 << 20;

    /**
     * The items whose key is not among {@code drops}. Up to {@code broadcastLimit} drops are
     * broadcast as sorted keys, so the items keep their partitions and order (and the packed
     * windows with them); more are joined by key, a shuffle of the items, so that nothing that
     * grows with the corpus reaches the driver.
     */
    public static <T> JavaRDD<T> without(JavaRDD<T> items, Function<T, Long> key, JavaPairRDD<Long, String> drops,
                                         long dropCount, int broadcastLimit) {
        if (dropCount == 0) {
            return items;
        }
        if (dropCount <= broadcastLimit) {
            long[] keys = drops.keys().collect().stream().mapToLong(Long::longValue).sorted().toArray();
            Broadcast<long[]> shared = JavaSparkContext.fromSparkContext(items.context()).broadcast(keys);
            return items.filter(t -> java.util.Arrays.binarySearch(shared.value(), key.call(t)) < 0);
        }
        return items.mapToPair(t -> new Tuple2<>(key.call(t), t)).subtractByKey(drops).values();
    }

    /** Near-duplicate clusters: (node, smallest node of its cluster) for each member, and how many members go. */
    private record Clusters(JavaPairRDD<Long, Long> labels, long drops) {}

    private static Clusters near(JavaPairRDD<Long, int[]> unpartitioned, Options o, Partitioner partitioner,
                                 Map<String, Long> counters, List<JavaRDDLike<?, ?>> cached) {
        JavaPairRDD<Long, int[]> signatures = unpartitioned.partitionBy(partitioner).persist(CACHE);
        cached.add(signatures);

        int bands = o.bands();
        int rows = o.rows();
        // Each bucket's documents linked to its smallest key, once per pair however many bands they share.
        JavaPairRDD<Long, Long> candidates = signatures.flatMapToPair(s -> {
                    List<Tuple2<Bucket, Long>> out = new ArrayList<>(bands);
                    for (int b = 0; b < bands; b++) {
                        out.add(new Tuple2<>(new Bucket(b, MinHash.bandHash(s._2(), b, rows)), s._1()));
                    }
                    return out.iterator();
                })
                .groupByKey(partitioner)
                .flatMapToPair(bucket -> {
                    long root = Long.MAX_VALUE;
                    for (long k : bucket._2()) {
                        root = Math.min(root, k);
                    }
                    List<Tuple2<Long, Long>> out = new ArrayList<>();
                    for (long k : bucket._2()) {
                        if (k != root) {
                            out.add(new Tuple2<>(k, root));
                        }
                    }
                    return out.iterator();
                })
                .distinct(partitioner.numPartitions())
                .persist(CACHE);
        double threshold = o.threshold();
        JavaPairRDD<Long, Long> edges = candidates.join(signatures, partitioner)
                .mapToPair(t -> new Tuple2<>(t._2()._1(), new Tuple2<>(t._1(), t._2()._2())))   // b -> (a, signature of a)
                .join(signatures, partitioner)
                .filter(t -> MinHash.similarity(t._2()._1()._2(), t._2()._2()) >= threshold)
                .mapToPair(t -> new Tuple2<>(t._2()._1()._1(), t._1()))
                .persist(CACHE);
        cached.add(edges);
        long candidatePairs = candidates.count();
        long verified = edges.count();
        candidates.unpersist(false);
        counters.put("near.candidate-pairs", candidatePairs);
        counters.put("near.similar-pairs", verified);
        if (verified == 0) {
            counters.put("near.clusters", 0L);
            return new Clusters(null, 0);
        }
        ConnectedComponents.Result cc = ConnectedComponents.of(edges, o.maxRounds(), partitioner);
        JavaPairRDD<Long, Long> labels = cc.labels();
        cached.add(labels);
        // Every labelled node has an edge, so each label is a cluster of two or more.
        Sizes sizes = clusterSizes(labels.mapToPair(t -> new Tuple2<>(t._2(), 1L)).reduceByKey(partitioner, Long::sum).values(),
                "near", counters);
        counters.put("near.clusters", sizes.clusters());
        counters.put("near.rounds", (long) cc.rounds());
        LOG.info("near-duplicates: {} candidate pairs, {} above Jaccard {}, {} clusters in {} rounds",
                candidatePairs, verified, threshold, sizes.clusters(), cc.rounds());
        return new Clusters(labels, sizes.drops());
    }

    private static JavaPairRDD<Long, String> none(org.apache.spark.SparkContext sc) {
        return JavaPairRDD.fromJavaRDD(JavaSparkContext.fromSparkContext(sc).<Tuple2<Long, String>>emptyRDD());
    }

    /** Duplicate clusters (groups of two or more documents), and the documents they drop: all but one each. */
    record Sizes(long clusters, long documents) {
        long drops() {
            return documents - clusters;
        }
    }

    /**
     * Counts duplicate clusters by size, in power-of-two buckets: {@code <kind>.cluster-size.2},
     * {@code .3-4}, {@code .5-8}, ... Only the bucket counts and sums reach the driver.
     *
     * @param sizes one value per group: its size
     */
    static Sizes clusterSizes(JavaRDD<Long> sizes, String kind, Map<String, Long> counters) {
        Map<Integer, long[]> byBits = sizes.filter(n -> n > 1)
                .mapToPair(n -> new Tuple2<>(64 - Long.numberOfLeadingZeros(n - 1), new long[] {1, n}))   // bits of size - 1: exact, unlike log2
                .reduceByKey((x, y) -> new long[] {x[0] + y[0], x[1] + y[1]})
                .collectAsMap();
        long clusters = 0;
        long documents = 0;
        for (var e : new TreeMap<>(byBits).entrySet()) {
            counters.put(kind + ".cluster-size." + sizeBucket(e.getKey()), e.getValue()[0]);
            clusters += e.getValue()[0];
            documents += e.getValue()[1];
        }
        return new Sizes(clusters, documents);
    }

    /** Sizes (2^(bits-1), 2^bits]: "2", "3-4", "5-8", ... */
    static String sizeBucket(int bits) {
        long high = 1L << bits;
        long low = (1L << (bits - 1)) + 1;
        return low == high ? Long.toString(high) : low + "-" + high;
    }
}
