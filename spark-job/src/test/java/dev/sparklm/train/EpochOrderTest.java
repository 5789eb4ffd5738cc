package dev.sparklm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EpochOrderTest {
    @Test
    void distinctWindowsGetDistinctSortKeysAndEachEpochAnotherOrder() {
        // A collision would not lose a window (sortByKey keeps both) but would bias the order;
        // the key is a bijection of the index for a given seed.
        Set<Long> keys = new HashSet<>();
        for (long i = 0; i < 100_000; i++) {
            keys.add(TrainJob.mix(42, i));
        }
        assertEquals(100_000, keys.size());
        assertNotEquals(order(1), order(2), "two epochs' seeds give two orders");
        assertEquals(order(1), order(1), "the same seed gives the same order");
    }

    static java.util.List<Long> order(long seed) {
        java.util.List<Long> indices = new java.util.ArrayList<>();
        for (long i = 0; i < 20; i++) {
            indices.add(i);
        }
        indices.sort(java.util.Comparator.comparingLong(i -> TrainJob.mix(seed, i)));
        return indices;
    }
}
