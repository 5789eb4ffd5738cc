package dev.sparklm.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SequencePackerTest {
    @Test
    void windowsOverlapByOneAndDocumentsAreSeparatedByEndOfText() {
        AtomicLong tokens = new AtomicLong();
        AtomicLong dropped = new AtomicLong();
        Iterator<int[]> windows = SequencePacker.pack(
                List.of(new int[] {1, 2, 3}, new int[] {4, 5}, new int[] {6, 7, 8, 9}).iterator(),
                3, 0, tokens::addAndGet, dropped::addAndGet);
        List<int[]> all = new ArrayList<>();
        windows.forEachRemaining(all::add);
        // stream: 1 2 3 0 4 5 0 6 7 8 9 0  (12 ids)
        assertEquals(3, all.size());
        assertArrayEquals(new int[] {1, 2, 3, 0}, all.get(0));
        assertArrayEquals(new int[] {0, 4, 5, 0}, all.get(1));
        assertArrayEquals(new int[] {0, 6, 7, 8}, all.get(2));
        assertEquals(12, tokens.get());
        assertEquals(2, dropped.get(), "9 and the final end-of-text are no target");
    }

    @Test
    void noDocumentsGiveNoWindows() {
        AtomicLong dropped = new AtomicLong(-1);
        Iterator<int[]> w = SequencePacker.pack(List.<int[]>of().iterator(), 4, 0, t -> {}, dropped::set);
        assertEquals(false, w.hasNext());
        assertEquals(0, dropped.get());
    }
}
