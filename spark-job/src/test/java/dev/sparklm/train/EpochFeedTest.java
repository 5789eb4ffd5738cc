package dev.sparklm.train;

import dev.sparklm.io.LocalSpark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

/**
 * The epoch feed, read back the way the workers read it: round by round, partition w of a round
 * being worker w's windows in order.
 */
class EpochFeedTest {
    static final int WORKERS = 2, BATCH = 3, FREQUENCY = 2, WINDOWS = 61;

    @Test
    void everyWindowOnceARoundAtATimeInAnOrderIndependentOfPartitioning() {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(LocalSpark.get().sparkContext());
        List<int[]> windows = new ArrayList<>();
        for (int i = 0; i < WINDOWS; i++) {
            windows.add(new int[] {i, i * 7 % 13, 5});
        }
        List<List<List<Integer>>> onePartition = read(EpochFeed.of(sc.parallelize(windows, 1), WINDOWS, 42, 1, 0,
                WORKERS, BATCH, FREQUENCY));
        List<int[]> reversed = new ArrayList<>(windows);
        Collections.reverse(reversed);
        List<List<List<Integer>>> fivePartitions = read(EpochFeed.of(sc.parallelize(reversed, 5), WINDOWS, 42, 1, 0,
                WORKERS, BATCH, FREQUENCY));
        assertEquals(onePartition, fivePartitions, "the order depends on the seed and the windows, not the layout");

        List<Integer> seen = new ArrayList<>();
        for (List<List<Integer>> round : onePartition) {
            assertEquals(WORKERS, round.size());
            for (List<Integer> worker : round) {
                assertTrue(worker.size() <= BATCH * FREQUENCY, "a worker's share of a round: " + worker.size());
                seen.addAll(worker);
            }
        }
        // 61 windows, 6 per step: 10 full steps and one of a single window; 2 steps per round.
        assertEquals(6, onePartition.size());
        assertEquals(WINDOWS, seen.size());
        assertEquals(WINDOWS, seen.stream().distinct().count(), "each window once");
        assertEquals(List.of(List.of(onePartition.get(5).get(0).get(0)), List.of()), onePartition.get(5));

        List<List<List<Integer>>> nextEpoch = read(EpochFeed.of(sc.parallelize(windows, 1), WINDOWS, 42, 2, 0,
                WORKERS, BATCH, FREQUENCY));
        assertNotEquals(onePartition, nextEpoch, "another epoch, another order");
    }

    @Test
    void aResumedEpochFeedsExactlyTheWindowsNotYetTrainedWhateverTheWorkers() {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(LocalSpark.get().sparkContext());
        List<int[]> windows = new ArrayList<>();
        for (int i = 0; i < WINDOWS; i++) {
            windows.add(new int[] {i, 1, 2});
        }
        JavaRDD<int[]> rdd = sc.parallelize(windows, 3);
        List<Integer> order = flatten(read(EpochFeed.of(rdd, WINDOWS, 7, 1, 0, 1, 1, 8)));   // one worker: rank order
        List<List<List<Integer>>> run = read(EpochFeed.of(rdd, WINDOWS, 7, 1, 0, WORKERS, BATCH, FREQUENCY));
        assertEquals(order.subList(0, 24).stream().sorted().toList(),
                flatten(run.subList(0, 2)).stream().sorted().toList(), "two rounds of 2 x 3 x 2 are the first 24");
        // Stopped after those two rounds; resumed on three workers with batch 4.
        List<List<List<Integer>>> resumed = read(EpochFeed.of(rdd, WINDOWS, 7, 1, 24, 3, 4, 1));
        List<Integer> rest = flatten(resumed);
        assertEquals(order.subList(24, WINDOWS).stream().sorted().toList(), rest.stream().sorted().toList());
        assertEquals(3, resumed.get(0).size());
        assertEquals(order.subList(24, 28), resumed.get(0).get(0), "worker 0 takes the next batch in order");
        assertEquals(order.subList(28, 32), resumed.get(0).get(1));
    }

    @Test
    void aStepLimitEndsARoundAfterThatManyMinibatchesOnEveryWorker() {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(LocalSpark.get().sparkContext());
        List<int[]> windows = new ArrayList<>();
        for (int i = 0; i < WINDOWS; i++) {
            windows.add(new int[] {i, 3});
        }
        EpochFeed feed = EpochFeed.of(sc.parallelize(windows, 2), WINDOWS, 1, 1, 0, WORKERS, BATCH, FREQUENCY);
        List<Integer> full = flatten(List.of(read(feed.round(1, FREQUENCY))));
        List<Integer> one = flatten(List.of(read(feed.round(1, 1))));
        assertEquals(12, full.size());
        assertEquals(6, one.size());
        assertTrue(full.containsAll(one));
    }

    private static List<List<List<Integer>>> read(EpochFeed feed) {
        List<List<List<Integer>>> rounds = new ArrayList<>();
        for (int r = 0; r < feed.rounds(); r++) {
            rounds.add(read(feed.round(r, Long.MAX_VALUE)));
        }
        return rounds;
    }

    /** A round's windows (their first id) per worker partition. */
    private static List<List<Integer>> read(JavaRDD<int[]> round) {
        return round.glom().collect().stream().map(p -> p.stream().map(w -> w[0]).toList()).toList();
    }

    private static List<Integer> flatten(List<List<List<Integer>>> rounds) {
        List<Integer> all = new ArrayList<>();
        rounds.forEach(r -> r.forEach(all::addAll));
        return all;
    }
}
