package dev.sparklm.preprocess.filter;

import static dev.sparklm.preprocess.filter.FilterTestSupport.DEFAULTS;
import static dev.sparklm.preprocess.filter.FilterTestSupport.GOOD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GopherRepetitionFilterTest {
    final GopherRepetitionFilter filter = new GopherRepetitionFilter(DEFAULTS.gopherRepetition());

    @Test
    void keepsOrdinaryProse() {
        assertNull(filter.check(GOOD));
    }

    @Test
    void dropsRepeatedParagraphsLinesAndNgrams() {
        String[] paragraphs = GOOD.split("\n\n");
        assertEquals("duplicate-paragraphs", filter.check(String.join("\n\n", paragraphs[0], paragraphs[0], paragraphs[0],
                paragraphs[1])));
        assertEquals("duplicate-paragraph-chars", filter.check(String.join("\n\n", paragraphs[0], paragraphs[1],
                paragraphs[2], "a", "b", "c", "d", "e", "f", "g", paragraphs[0])));
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            lines.append(i % 2 == 0 ? "Click here to subscribe\n" : "Line " + i + " says something new about the town\n");
        }
        assertEquals("duplicate-lines", filter.check(lines.toString()));
        // One long repeated line among many short distinct ones: few lines, many characters.
        String longLine = "This long sentence about the market square is repeated word for word several times over.";
        StringBuilder chars = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            chars.append("Short line ").append(i).append('\n');
        }
        chars.append(longLine).append('\n').append(longLine).append('\n').append(longLine);
        assertEquals("duplicate-line-chars", filter.check(chars.toString()));
        assertEquals("top-2-gram", filter.check(GOOD + "\n" + "buy now ".repeat(40)));
        assertEquals("duplicate-5-grams", filter.check(GOOD.replace("\n\n", " ") + " "
                + "the narrow streets lead to squares with cafes and the museum holds a collection of paintings"));
    }

    /**
     * The n-gram rules against their definition, written the slow way: n-grams as lists of word
     * strings in hash maps. Random one-line texts over small vocabularies (so n-grams repeat by
     * chance as well as in copied runs) and random limits, so every rule decides some cases.
     */
    @Test
    void ngramRulesMatchTheirDefinitionOnRandomTexts() {
        Random random = new Random(7);
        Map<String, Integer> reasons = new HashMap<>();
        for (int t = 0; t < 3000; t++) {
            String[] vocabulary = new String[2 + random.nextInt(400)];
            for (int v = 0; v < vocabulary.length; v++) {
                vocabulary[v] = "w" + Integer.toString(v, 36).repeat(1 + random.nextInt(3));
            }
            List<String> words = new ArrayList<>();
            int length = 1 + random.nextInt(t % 10 == 0 ? 5000 : 300);
            if (t % 300 == 0) {   // enough n-grams for the rounds that count in parts
                length = GopherRepetitionFilter.PARTITION_ABOVE + random.nextInt(3 * GopherRepetitionFilter.PARTITION_ABOVE);
            }
            while (words.size() < length) {
                if (words.size() > 12 && random.nextInt(20) == 0) {   // copy an earlier run of words
                    int from = random.nextInt(words.size() - 10);
                    words.addAll(new ArrayList<>(words.subList(from, from + 5 + random.nextInt(6))));
                } else {
                    words.add(vocabulary[random.nextInt(vocabulary.length)]);
                }
            }
            double[] top = {random.nextDouble() * 0.3, random.nextDouble() * 0.3, random.nextDouble() * 0.3};
            double[] dup = new double[6];
            for (int k = 0; k < dup.length; k++) {
                dup[k] = random.nextDouble() * 0.6;
            }
            GopherRepetitionFilter filter = new GopherRepetitionFilter(
                    new GopherRepetitionFilter.Options(1, 1, 1, 1, top, dup));
            String expected = ngramRules(words, top, dup);
            // Words apart by any of Java's white space (the line rules are off: limits of 1).
            String[] spaces = {" ", " \t ", "\n", "\u2003", "\u001F\u000B", "\u3000", "\u1680 "};
            assertEquals(expected, filter.check(String.join(spaces[random.nextInt(spaces.length)], words)),
                    "text " + t + " of " + words.size() + " words");
            reasons.merge(String.valueOf(expected), 1, Integer::sum);
        }
        for (String reason : List.of("null", "top-2-gram", "top-3-gram", "top-4-gram", "duplicate-5-grams",
                "duplicate-6-grams", "duplicate-7-grams", "duplicate-10-grams")) {
            assertTrue(reasons.getOrDefault(reason, 0) >= 5, "too few cases decided by " + reason + ": " + reasons);
        }
    }

    /**
     * One round's count, in one table or dealt into parts, against its definition: the top count,
     * the first start at which an n-gram reached it, and the marks at the first and the later
     * occurrences of the n-grams seen twice or more. Random hashes from a few values (so they
     * repeat, and in every part), at sizes on both sides of the partition threshold, counted at a
     * random ascending subset of the starts.
     */
    @Test
    void roundCountMatchesItsDefinitionInOneTableAndInParts() {
        Random random = new Random(5);
        int above = GopherRepetitionFilter.PARTITION_ABOVE;
        for (int size : new int[] {1, 2, 100, above, above + 1, 3 * above + 7, 20 * GopherRepetitionFilter.PART * 16}) {
            for (int distinct : new int[] {1, 7, size / 3 + 1, size * 4}) {
                long[] gram = new long[size + 1];
                long[] values = random.longs(distinct).toArray();
                for (int i = 0; i < gram.length; i++) {
                    gram[i] = values[random.nextInt(distinct)];
                }
                int[] starts = java.util.stream.IntStream.range(0, size + 1).filter(i -> random.nextInt(8) > 0).toArray();
                int count = Math.min(starts.length, size);
                Map<Long, Integer> counts = new HashMap<>();
                int best = 0;
                int bestStart = 0;
                for (int k = 0; k < count; k++) {
                    int c = counts.merge(gram[starts[k]], 1, Integer::sum);
                    if (c > best) {
                        best = c;
                        bestStart = starts[k];
                    }
                }
                byte[] expected = new byte[gram.length];
                java.util.Set<Long> seen = new java.util.HashSet<>();
                for (int k = 0; k < count; k++) {
                    long g = gram[starts[k]];
                    boolean first = seen.add(g);
                    expected[starts[k]] = counts.get(g) == 1 ? 0 : first ? GopherRepetitionFilter.FIRST : GopherRepetitionFilter.LATER;
                }
                byte[] repeated = new byte[gram.length];
                long top = GopherRepetitionFilter.count(starts, count, gram, repeated, new LongLongTable());
                String at = size + " starts, " + distinct + " distinct";
                assertEquals(best, (int) (top >>> 32), at);
                assertEquals(bestStart, (int) top, at);
                assertTrue(java.util.Arrays.equals(expected, repeated), at);
            }
        }
    }

    /**
     * The paragraph and line rules, read in place, decide as their definition on copies
     * ({@code split("\n\n+")} and {@code split("\n+")}, {@code strip}, a set of strings) on random
     * texts of a few lines with white space around them, runs of newlines and random limits.
     */
    @Test
    void paragraphAndLineRulesMatchTheirDefinitionOnRandomTexts() {
        Random random = new Random(23);
        String[] lines = {"the cat sat", "the cat sat ", " the cat sat", "a dog", "a\tdog", "x", "", " ", "\u2003",
                "another line of text", "\u00A0x", "the cat sat on the mat", "x\r", "\r", "\u001Fx", "\uD835\uDC31"};
        Map<String, Integer> reasons = new HashMap<>();
        double[] off = {100, 100, 100};
        double[] offDup = {100, 100, 100, 100, 100, 100};
        for (int t = 0; t < 20_000; t++) {
            StringBuilder text = new StringBuilder("\n".repeat(random.nextInt(3)));
            int pieces = t % 5000 == 0 ? 2 * GopherRepetitionFilter.PARTITION_ABOVE : random.nextInt(14);   // or enough to count in parts
            for (int k = pieces; k > 0; k--) {
                text.append(lines[random.nextInt(lines.length)]).append("\n".repeat(random.nextInt(4)));
            }
            double[] limits = {random.nextDouble() * 0.6, random.nextDouble() * 0.6, random.nextDouble() * 0.6,
                    random.nextDouble() * 0.6};
            GopherRepetitionFilter.Options o = new GopherRepetitionFilter.Options(limits[0], limits[1], limits[2], limits[3], off, offDup);
            String expected = pieceRule(text.toString().split("\n\n+"), limits[1], limits[3], "paragraph");
            if (expected == null) {
                expected = pieceRule(text.toString().split("\n+"), limits[0], limits[2], "line");
            }
            assertEquals(expected, new GopherRepetitionFilter(o).check(text.toString()),
                    "for " + text.toString().replace("\n", "\\n") + " with " + java.util.Arrays.toString(limits));
            reasons.merge(String.valueOf(expected), 1, Integer::sum);
        }
        for (String reason : List.of("null", "duplicate-paragraphs", "duplicate-paragraph-chars", "duplicate-lines",
                "duplicate-line-chars")) {
            assertTrue(reasons.getOrDefault(reason, 0) >= 20, "too few cases decided by " + reason + ": " + reasons);
        }
    }

    private static String pieceRule(String[] pieces, double maxFraction, double maxCharFraction, String what) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        int n = 0;
        int dup = 0;
        long chars = 0;
        long dupChars = 0;
        for (String p : pieces) {
            String s = p.strip();
            if (!s.isEmpty()) {
                n++;
                chars += s.length();
                if (!seen.add(s)) {
                    dup++;
                    dupChars += s.length();
                }
            }
        }
        if (n > 0 && dup > maxFraction * n) {
            return "duplicate-" + what + "s";
        }
        if (n > 0 && dupChars > maxCharFraction * chars) {
            return "duplicate-" + what + "-chars";
        }
        return null;
    }

    private static String ngramRules(List<String> words, double[] top, double[] dup) {
        long total = words.stream().mapToLong(String::length).sum();
        for (int n = 2; n <= 4 && n <= words.size(); n++) {
            Map<List<String>, Integer> counts = new HashMap<>();
            int best = 0;
            List<String> bestGram = null;
            for (int i = 0; i + n <= words.size(); i++) {
                List<String> gram = words.subList(i, i + n);
                int c = counts.merge(gram, 1, Integer::sum);
                if (c > best) {
                    best = c;
                    bestGram = gram;
                }
            }
            long chars = bestGram.stream().mapToLong(String::length).sum();
            if (best > 1 && chars * best > top[n - 2] * total) {
                return "top-" + n + "-gram";
            }
        }
        for (int n = 5; n <= 10 && n <= words.size(); n++) {
            Map<List<String>, Integer> counts = new HashMap<>();
            for (int i = 0; i + n <= words.size(); i++) {
                counts.merge(words.subList(i, i + n), 1, Integer::sum);
            }
            boolean[] inRepeated = new boolean[words.size()];
            for (int i = 0; i + n <= words.size(); i++) {
                if (counts.get(words.subList(i, i + n)) > 1) {
                    for (int k = i; k < i + n; k++) {
                        inRepeated[k] = true;
                    }
                }
            }
            long chars = 0;
            for (int k = 0; k < words.size(); k++) {
                chars += inRepeated[k] ? words.get(k).length() : 0;
            }
            if (chars > dup[n - 5] * total) {
                return "duplicate-" + n + "-grams";
            }
        }
        return null;
    }
}
