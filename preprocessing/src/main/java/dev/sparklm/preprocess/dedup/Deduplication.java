package dev.sparklm.preprocess.dedup;

import static org.apache.spark.sql.functions.bin;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sha2;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exact and near-duplicate removal over the kept documents. Exact: SHA-256 of the normalized
 * text, the smallest key of each hash kept. Near: MinHash signatures split into bands x rows;
 * documents sharing a band bucket become candidates, each linked to the bucket's smallest key (a
 * star, never all pairs), kept as an edge only if their signatures agree on at least
 * {@code threshold} of the hashes; connected components of those edges are the clusters, and
 * the smallest key of each survives. Only counts reach the driver.
 */
public final class Deduplication {
    private static final Logger LOG = LoggerFactory.getLogger(Deduplication.class);
    public static final String STAGE = "dedup";

    public record Options(boolean exact, boolean near, int shingleSize, int bands, int rows, double threshold,
                          int maxRounds, long seed) implements Serializable {}

    /**
     * @param drops    (key, reason) of every document to drop, reason "dedup:exact-duplicate" or
     *                 "dedup:near-duplicate"
     * @param counters candidate pairs, verified pairs, clusters, rounds
     * @param cached   what dedup persisted for {@code drops}: {@link #release} it once the drops
     *                 are applied and materialized
     */
    public record Result(Dataset<Row> drops, Map<String, Long> counters, List<Dataset<?>> cached) {
        public void release() {
            cached.forEach(d -> d.unpersist(false));
        }
    }

    private static final StructType DROPS = new StructType().add("key", DataTypes.LongType, false)
            .add("reason", DataTypes.StringType, false);

    private Deduplication() {}

    /** @param kept (key long, text string) of the documents still kept */
    public static Result run(Dataset<Row> kept, Options o) {
        Map<String, Long> counters = new LinkedHashMap<>();
        List<Dataset<?>> cached = new ArrayList<>();
        Dataset<Row> drops = kept.sparkSession().createDataFrame(List.of(), DROPS);
        Dataset<Row> survivors = kept;
        if (o.exact()) {
            Dataset<Row> ranked = kept.withColumn("hash", sha2(col("text"), 256))
                    .withColumn("rank", row_number().over(Window.partitionBy("hash").orderBy("key")))
                    .persist(StorageLevel.MEMORY_AND_DISK_SER());
            cached.add(ranked);
            drops = ranked.filter(col("rank").gt(1)).select(col("key"), lit(STAGE + ":exact-duplicate").as("reason"));
            clusterSizes(ranked.groupBy("hash").count(), "exact", counters);
            survivors = ranked.filter(col("rank").equalTo(1)).select("key", "text");
        }
        if (o.near()) {
            drops = drops.union(near(survivors, o, counters, cached));
        }
        return new Result(drops, counters, cached);
    }

    private static Dataset<Row> near(Dataset<Row> docs, Options o, Map<String, Long> counters,
                                     List<Dataset<?>> cached) {
        MinHash minHash = new MinHash(o.shingleSize(), o.bands() * o.rows(), o.seed());
        StructType sigSchema = new StructType().add("key", DataTypes.LongType, false)
                .add("sig", DataTypes.createArrayType(DataTypes.IntegerType, false), false);
        Dataset<Row> sigs = docs.mapPartitions((MapPartitionsFunction<Row, Row>) it -> new java.util.Iterator<Row>() {
            public boolean hasNext() { return it.hasNext(); }
            public Row next() {
                Row r = it.next();
                return RowFactory.create(r.getLong(0), minHash.signature(r.getString(1)));
            }
        }, Encoders.row(sigSchema)).persist(StorageLevel.MEMORY_AND_DISK_SER());
        cached.add(sigs);

        int bands = o.bands();
        int rows = o.rows();
        StructType bucketSchema = new StructType().add("band", DataTypes.IntegerType).add("bucket", DataTypes.LongType)
                .add("key", DataTypes.LongType);
        Dataset<Row> buckets = sigs.flatMap((FlatMapFunction<Row, Row>) r -> {
            int[] sig = toInts(r.getList(1));
            List<Row> out = new ArrayList<>(bands);
            for (int b = 0; b < bands; b++) {
                out.add(RowFactory.create(b, MinHash.bandHash(sig, b, rows), r.getLong(0)));
            }
            return out.iterator();
        }, Encoders.row(bucketSchema));
        Dataset<Row> candidates = buckets
                .withColumn("root", min("key").over(Window.partitionBy("band", "bucket")))
                .filter(col("key").notEqual(col("root")))
                .select(col("key").as("a"), col("root").as("b"))
                .distinct()
                .persist(StorageLevel.MEMORY_AND_DISK_SER());
        double threshold = o.threshold();
        Dataset<Row> edges = candidates
                .join(sigs.select(col("key").as("ka"), col("sig").as("sa")), col("a").equalTo(col("ka")))
                .join(sigs.select(col("key").as("kb"), col("sig").as("sb")), col("b").equalTo(col("kb")))
                .filter((org.apache.spark.api.java.function.FilterFunction<Row>) r ->
                        MinHash.similarity(toInts(r.getList(r.fieldIndex("sa"))), toInts(r.getList(r.fieldIndex("sb")))) >= threshold)
                .select("a", "b")
                .persist(StorageLevel.MEMORY_AND_DISK_SER());
        cached.add(edges);
        long candidatePairs = candidates.count();
        long verified = edges.count();
        counters.put("near.candidate-pairs", candidatePairs);
        counters.put("near.similar-pairs", verified);
        candidates.unpersist();
        if (verified == 0) {
            counters.put("near.clusters", 0L);
            return docs.sparkSession().createDataFrame(List.of(), DROPS);
        }
        ConnectedComponents.Result cc = ConnectedComponents.of(edges, o.maxRounds());
        Dataset<Row> labels = cc.labels().persist(StorageLevel.MEMORY_AND_DISK_SER());
        cached.add(labels);
        // Every labelled node has an edge, so each label is a cluster of two or more.
        counters.put("near.clusters", clusterSizes(labels.groupBy("label").count(), "near", counters));
        counters.put("near.rounds", (long) cc.rounds());
        LOG.info("near-duplicates: {} candidate pairs, {} above Jaccard {}, {} clusters in {} rounds",
                candidatePairs, verified, threshold, counters.get("near.clusters"), cc.rounds());
        return labels.filter(col("node").notEqual(col("label")))
                .select(col("node").as("key"), lit(STAGE + ":near-duplicate").as("reason"));
    }

    /**
     * Counts duplicate clusters (groups of two or more documents) by size, in power-of-two
     * buckets: {@code <kind>.cluster-size.2}, {@code .3-4}, {@code .5-8}, ... Only the bucket
     * counts reach the driver.
     *
     * @param groups one row per group, its size in column {@code count}
     * @return the number of clusters
     */
    static long clusterSizes(Dataset<Row> groups, String kind, Map<String, Long> counters) {
        Dataset<Row> buckets = groups.filter(col("count").gt(1))
                .select(length(bin(col("count").minus(1))).as("bits"))   // bits of size - 1: exact, unlike log2
                .groupBy("bits").count();
        long clusters = 0;
        for (Row r : buckets.collectAsList()) {
            counters.put(kind + ".cluster-size." + sizeBucket(r.getInt(0)), r.getLong(1));
            clusters += r.getLong(1);
        }
        return clusters;
    }

    /** Sizes (2^(bits-1), 2^bits]: "2", "3-4", "5-8", ... */
    static String sizeBucket(int bits) {
        long high = 1L << bits;
        long low = (1L << (bits - 1)) + 1;
        return low == high ? Long.toString(high) : low + "-" + high;
    }

    static int[] toInts(List<Integer> list) {
        int[] a = new int[list.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = list.get(i);
        }
        return a;
    }
}
