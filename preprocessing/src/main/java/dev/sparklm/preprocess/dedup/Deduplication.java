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
 * the smallest key of each survives. Only counts reach the driver.
 *
 * <p>Written on RDDs with one partitioner: one pass reads each text once (its hash and
 * signature), and every later step is at most one shuffle. The same steps as Spark SQL queries
 * made about 30 jobs whose planning and code generation took 10-14 s however few the documents.
 */
public final class Deduplication {
    private static final Logger LOG = LoggerFactory.getLogger(Deduplication.class);
    public static final String STAGE = "dedup";
    static final String EXACT = STAGE + ":exact-duplicate";
    static final String NEAR = STAGE + ":near-duplicate";
    private static final StorageLevel CACHE = StorageLevel.MEMORY_AND_DISK_SER();

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

    /** What dedup reads of a document: its key, its text's SHA-256 (exact) and MinHash signature (near). */
    record Fingerprint(long key, Digest digest, int[] signature) implements Serializable {}

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
        Partitioner partitioner = new HashPartitioner(partitions);
        Map<String, Long> counters = new LinkedHashMap<>();
        List<JavaRDDLike<?, ?>> cached = new ArrayList<>();
        boolean exact = o.exact();
        boolean near = o.near();
        MinHash minHash = new MinHash(o.shingleSize(), o.bands() * o.rows(), o.seed());
        JavaRDD<Fingerprint> prints = kept.map(r -> new Fingerprint(r._1(),
                exact ? Digest.of(r._2()) : null, near ? minHash.signature(r._2()) : null));

        JavaPairRDD<Long, String> drops = none(kept.context());
        JavaRDD<Fingerprint> survivors = prints;
        if (exact) {
            // Documents partitioned by digest: each group of equal texts, its smallest key and
            // size, and the documents tagged with their group all stay in that partition.
            JavaPairRDD<Digest, Fingerprint> byDigest = prints.mapToPair(p -> new Tuple2<>(p.digest(), p)).partitionBy(partitioner);
            JavaPairRDD<Digest, long[]> groups = byDigest.mapValues(p -> new long[] {p.key(), 1})
                    .reduceByKey(partitioner, (x, y) -> new long[] {Math.min(x[0], y[0]), x[1] + y[1]});
            clusterSizes(groups.values().map(g -> g[1]), "exact", counters);
            JavaRDD<Tuple2<Fingerprint, Boolean>> tagged = byDigest.join(groups, partitioner)
                    .values().map(t -> new Tuple2<>(t._1(), t._1().key() == t._2()[0]))
                    .persist(CACHE);
            cached.add(tagged);
            drops = tagged.filter(t -> !t._2()).mapToPair(t -> new Tuple2<>(t._1().key(), EXACT));
            survivors = tagged.filter(Tuple2::_2).map(Tuple2::_1);
        }
        if (near) {
            drops = drops.union(near(survivors, o, partitioner, counters, cached));
        }
        drops = drops.persist(StorageLevel.MEMORY_AND_DISK());
        return new Result(drops, new TreeMap<>(drops.values().countByValue()), counters, cached);
    }

    private static JavaPairRDD<Long, String> near(JavaRDD<Fingerprint> docs, Options o, Partitioner partitioner,
                                     Map<String, Long> counters, List<JavaRDDLike<?, ?>> cached) {
        JavaPairRDD<Long, int[]> signatures = docs.mapToPair(p -> new Tuple2<>(p.key(), p.signature()))
                .partitionBy(partitioner)
                .persist(CACHE);
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
            return none(docs.context());
        }
        ConnectedComponents.Result cc = ConnectedComponents.of(edges, o.maxRounds(), partitioner);
        JavaPairRDD<Long, Long> labels = cc.labels();
        cached.add(labels);
        // Every labelled node has an edge, so each label is a cluster of two or more.
        counters.put("near.clusters", clusterSizes(labels.mapToPair(t -> new Tuple2<>(t._2(), 1L))
                .reduceByKey(partitioner, Long::sum).values(), "near", counters));
        counters.put("near.rounds", (long) cc.rounds());
        LOG.info("near-duplicates: {} candidate pairs, {} above Jaccard {}, {} clusters in {} rounds",
                candidatePairs, verified, threshold, counters.get("near.clusters"), cc.rounds());
        return labels.filter(t -> !t._1().equals(t._2())).mapToPair(t -> new Tuple2<>(t._1(), NEAR));
    }

    private static JavaPairRDD<Long, String> none(org.apache.spark.SparkContext sc) {
        return JavaPairRDD.fromJavaRDD(JavaSparkContext.fromSparkContext(sc).<Tuple2<Long, String>>emptyRDD());
    }

    /**
     * Counts duplicate clusters (groups of two or more documents) by size, in power-of-two
     * buckets: {@code <kind>.cluster-size.2}, {@code .3-4}, {@code .5-8}, ... Only the bucket
     * counts reach the driver.
     *
     * @param sizes one value per group: its size
     * @return the number of clusters
     */
    static long clusterSizes(JavaRDD<Long> sizes, String kind, Map<String, Long> counters) {
        Map<Integer, Long> byBits = sizes.filter(n -> n > 1)
                .map(n -> 64 - Long.numberOfLeadingZeros(n - 1))   // bits of size - 1: exact, unlike log2
                .countByValue();
        long clusters = 0;
        for (var e : new java.util.TreeMap<>(byBits).entrySet()) {
            counters.put(kind + ".cluster-size." + sizeBucket(e.getKey()), e.getValue());
            clusters += e.getValue();
        }
        return clusters;
    }

    /** Sizes (2^(bits-1), 2^bits]: "2", "3-4", "5-8", ... */
    static String sizeBucket(int bits) {
        long high = 1L << bits;
        long low = (1L << (bits - 1)) + 1;
        return low == high ? Long.toString(high) : low + "-" + high;
    }
}
