package dev.sparklm.preprocess.read;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InputListingTest {
    /**
     * The rule as the docs state it, written out the slow way: files by size, largest first (the
     * listing's order among equals), each to the group with the least bytes (the first of
     * equals), then each group in listing order.
     */
    static List<List<String>> definition(List<String> paths, List<Long> sizes, int slices) {
        int n = Math.max(1, Math.min(slices, paths.size()));
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < paths.size(); i++) {
            order.add(i);
        }
        order.sort((a, b) -> Long.compare(sizes.get(b), sizes.get(a)));
        long[] load = new long[n];
        List<List<Integer>> groups = new ArrayList<>();
        for (int g = 0; g < n; g++) {
            groups.add(new ArrayList<>());
        }
        for (int i : order) {
            int best = 0;
            for (int g = 1; g < n; g++) {
                if (load[g] < load[best]) {
                    best = g;
                }
            }
            load[best] += sizes.get(i);
            groups.get(best).add(i);
        }
        List<List<String>> out = new ArrayList<>();
        for (List<Integer> g : groups) {
            g.sort(null);
            out.add(g.stream().map(paths::get).toList());
        }
        return out;
    }

    @Test
    void slicesAreTheRuleOnRandomListingsWithManyTies() {
        Random random = new Random(7);
        for (int round = 0; round < 300; round++) {
            int files = 1 + random.nextInt(400);
            int slices = 1 + random.nextInt(60);
            List<String> paths = new ArrayList<>();
            List<Long> sizes = new ArrayList<>();
            for (int i = 0; i < files; i++) {
                paths.add("f" + i);
                // Few distinct sizes, so groups often tie on bytes and files on size.
                sizes.add(round % 2 == 0 ? 1L + random.nextInt(4) : 1L + (long) (random.nextDouble() * random.nextDouble() * 1e9));
            }
            long bytes = sizes.stream().mapToLong(Long::longValue).sum();
            InputListing listing = new InputListing(paths, sizes, List.of(), bytes);
            List<List<String>> got = listing.balancedSlices(slices);
            assertEquals(definition(paths, sizes, slices), got, "files " + files + ", slices " + slices);
            assertEquals(files, got.stream().mapToInt(List::size).sum());
        }
    }
}
