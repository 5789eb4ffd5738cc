package dev.sparklm.preprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChunkCounterTest {
    /** Ranges of random texts counted against a map of their substrings: repeats, growth, empty ranges. */
    @Test
    void countsEveryRangeAsAMapOfSubstringsDoes() {
        Random random = new Random(9);
        ChunkCounter counter = new ChunkCounter();
        Map<String, Long> expected = new HashMap<>();
        for (int doc = 0; doc < 300; doc++) {
            StringBuilder sb = new StringBuilder();
            for (int c = random.nextInt(2000); c > 0; c--) {
                sb.append("ab c\u00e9\u4e2d\uD83D\uDE00".charAt(random.nextInt(8)));
            }
            String text = sb.toString();
            for (int start = 0; start < text.length(); ) {
                int end = Math.min(text.length(), start + random.nextInt(7));
                counter.add(text, start, end);
                expected.merge(text.substring(start, end), 1L, Long::sum);
                start = end == start ? start + 1 : end;
            }
        }
        Map<String, Long> actual = new HashMap<>();
        counter.forEach((chunk, count) -> assertEquals(null, actual.put(chunk, count), "twice: " + chunk));
        assertEquals(expected, actual);
        assertEquals(expected.size(), counter.size());
        assertEquals(true, expected.size() > 10_000, expected.size() + " distinct chunks: too few to grow the table");
    }
}
