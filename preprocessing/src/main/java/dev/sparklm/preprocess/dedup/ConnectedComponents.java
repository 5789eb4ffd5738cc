package dev.sparklm.preprocess.dedup;

import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * Connected components of an undirected graph given as edges (a, b) of longs, by min-label
 * propagation: every node starts labelled with itself and takes the smallest label among its
 * neighbours until nothing changes. Each round is one shuffle (the offers to neighbours) and one
 * count, no collect: the edges and the labels share a partitioner, so joining them moves
 * nothing. Rounds are bounded by the graph's diameter; duplicate clusters joined through
 * band-bucket minima are shallow, so a handful of rounds suffice.
 */
public final class ConnectedComponents {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectedComponents.class);
    private static final StorageLevel CACHE = StorageLevel.MEMORY_AND_DISK_SER();

    /** The labels (persisted: unpersist them when done) and how many rounds it took. */
    public record Result(JavaPairRDD<Long, Long> labels, int rounds) {}

    private ConnectedComponents() {}

    /** @return (node, label) for every node of an edge: label is the smallest node of its component */
    public static Result of(JavaPairRDD<Long, Long> edges, int maxRounds, Partitioner partitioner) {
        JavaPairRDD<Long, Long> both = edges.union(edges.mapToPair(Tuple2::swap)).partitionBy(partitioner).persist(CACHE);
        JavaPairRDD<Long, Long> labels = both.mapPartitionsToPair(it -> new java.util.Iterator<Tuple2<Long, Long>>() {
                    public boolean hasNext() { return it.hasNext(); }
                    public Tuple2<Long, Long> next() {
                        Tuple2<Long, Long> e = it.next();
                        return new Tuple2<>(e._1(), Math.min(e._1(), e._2()));
                    }
                }, true)
                .reduceByKey(partitioner, Math::min)
                .persist(CACHE);
        try {
            for (int round = 1; round <= maxRounds; round++) {
                JavaPairRDD<Long, Long> offers = both.join(labels, partitioner).mapToPair(t -> t._2());   // (neighbour, label)
                JavaPairRDD<Long, Long> next = offers.union(labels).reduceByKey(partitioner, Math::min).persist(CACHE);
                long changed = next.join(labels, partitioner).filter(t -> t._2()._1() < t._2()._2()).count();
                labels.unpersist(false);
                labels = next;
                if (changed == 0) {
                    return new Result(labels, round);
                }
                LOG.info("connected components: round {}, {} labels changed", round, changed);
            }
        } finally {
            both.unpersist(false);
        }
        labels.unpersist(false);
        throw new IllegalStateException("connected components did not converge in " + maxRounds
                + " rounds (preprocess.dedup.near.max-rounds): raise it, or raise the threshold");
    }
}
