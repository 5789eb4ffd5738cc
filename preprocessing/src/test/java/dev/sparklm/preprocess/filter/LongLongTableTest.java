package dev.sparklm.preprocess.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LongLongTableTest {
    /**
     * Sized for a few keys, then given many (repeated, and key 0): it grows and keeps every
     * key's value, as a HashMap does; a reset empties it.
     */
    @Test
    void growsPastItsSizeAndKeepsEveryValue() {
        Random random = new Random(3);
        LongLongTable table = new LongLongTable();
        for (int round = 0; round < 3; round++) {
            table.reset(4);
            Map<Long, Long> expected = new HashMap<>();
            long[] keys = random.longs(50_000).toArray();
            keys[0] = 0;
            for (int k = 0; k < 200_000; k++) {
                long key = keys[random.nextInt(keys.length)];
                int s = table.slot(key);
                long v = table.value(s) + k;
                table.setValue(s, v);
                expected.merge(key, (long) k, Long::sum);
            }
            for (var e : expected.entrySet()) {
                assertEquals(e.getValue(), table.value(table.slot(e.getKey())), "key " + e.getKey());
            }
            assertEquals(0, table.value(table.slot(keys[1] ^ 0x5555)), "a key never added");
        }
    }
}
