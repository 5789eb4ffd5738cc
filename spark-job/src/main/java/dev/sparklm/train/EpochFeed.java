package dev.sparklm.train;

import java.io.Serializable;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.PartitionPruningRDD;
import scala.Tuple2;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

/**
 * One epoch of training windows, in a seeded order, laid out for parameter averaging: the
 * windows are ranked by a hash of (seed, epoch, content), so the order does not depend on how
 * the shards were partitioned or how many workers there are; then one shuffle puts the windows
 * of round r for worker w into partition {@code r * workers + w}, in rank order. A round reads
 * only its own partitions, so an epoch costs one sort and one shuffle, whatever the number of
 * rounds.
 *
 * <p>Rank j (counted from the epoch's start position, so a resumed epoch skips what was already
 * trained) belongs to step {@code j / (workers * batch)}, worker {@code (j % (workers * batch)) / batch},
 * round {@code step / averagingFrequency}: fitting the first k minibatches on every worker
 * trains exactly ranks {@code [0, k * workers * batch)}.
 */
final class EpochFeed {
    private final JavaPairRDD<Long, int[]> laidOut;
    private final Layout layout;
    private final long windows;

    private EpochFeed(JavaPairRDD<Long, int[]> laidOut, Layout layout, long windows) {
        this.laidOut = laidOut;
        this.layout = layout;
        this.windows = windows;
    }

    /**
     * @param total the number of windows in {@code train}
     * @param start windows of this epoch already trained (a resumed epoch), skipped
     */
    static EpochFeed of(JavaRDD<int[]> train, long total, long seed, int epoch, long start, int workers, int batch,
                        int frequency) {
        long epochSeed = dev.sparklm.io.Hashing.mix(seed, epoch);
        JavaPairRDD<Long, int[]> ranked = train.mapToPair(w -> new Tuple2<>(orderKey(epochSeed, w), w))
                .sortByKey()
                .values()
                .zipWithIndex()
                .filter(t -> t._2() >= start)
                .mapToPair(t -> new Tuple2<>(t._2() - start, t._1()));
        long remaining = Math.max(0, total - start);
        Layout layout = new Layout(workers, batch, frequency, remaining);
        return new EpochFeed(ranked.repartitionAndSortWithinPartitions(layout), layout, remaining);
    }

    /** Rounds left in this epoch. */
    int rounds() {
        return layout.rounds();
    }

    /** Windows left in this epoch. */
    long windows() {
        return windows;
    }

    /**
     * Round r's windows: partition w holds worker w's, in rank order.
     *
     * @param maxSteps at most this many steps of the round (a run's step limit may end it early)
     */
    JavaRDD<int[]> round(int r, long maxSteps) {
        int first = r * layout.workers;
        int last = first + layout.workers;
        long end = ((long) r * layout.frequency + Math.min(maxSteps, layout.frequency)) * layout.workers * layout.batch;
        var pruned = PartitionPruningRDD.create(laidOut.rdd(), new PartitionRange(first, last));
        return new JavaPairRDD<Long, int[]>(pruned, ClassTag$.MODULE$.apply(Long.class), ClassTag$.MODULE$.apply(int[].class))
                .filter(t -> t._1() < end)
                .values();
    }

    /** Order key of a window in an epoch: a 64-bit hash of the seed and the window's ids. */
    static long orderKey(long epochSeed, int[] window) {
        long h = epochSeed;
        for (int id : window) {
            h = dev.sparklm.io.Hashing.mix(h, id);
        }
        return h;
    }

    /** Rank -> partition of (round, worker). */
    static final class Layout extends Partitioner {
        final int workers;
        final int batch;
        final int frequency;
        private final int partitions;

        Layout(int workers, int batch, int frequency, long windows) {
            this.workers = workers;
            this.batch = batch;
            this.frequency = frequency;
            long steps = (windows + (long) workers * batch - 1) / ((long) workers * batch);
            long rounds = Math.max(1, (steps + frequency - 1) / frequency);
            if (rounds * workers > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(windows + " windows make too many rounds: raise "
                        + "train.spark.batch-size-per-worker or train.spark.averaging-frequency");
            }
            this.partitions = (int) (rounds * workers);
        }

        int rounds() {
            return partitions / workers;
        }

        @Override
        public int numPartitions() {
            return partitions;
        }

        @Override
        public int getPartition(Object key) {
            long rank = (Long) key;
            long perStep = (long) workers * batch;
            long step = rank / perStep;
            int worker = (int) ((rank % perStep) / batch);
            return (int) (step / frequency) * workers + worker;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Layout l && l.workers == workers && l.batch == batch && l.frequency == frequency
                    && l.partitions == partitions;
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(workers, batch, frequency, partitions);
        }
    }

    /** Keeps partitions [first, last): evaluated on the driver when a round's job is planned. */
    private static final class PartitionRange extends AbstractFunction1<Object, Object> implements Serializable {
        private final int first;
        private final int last;

        PartitionRange(int first, int last) {
            this.first = first;
            this.last = last;
        }

        @Override
        public Object apply(Object index) {
            int i = (Integer) index;
            return i >= first && i < last;
        }
    }
}
