package dev.sparklm.preprocess;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;

/**
 * What the first pass caches of a document a filter dropped: its key, reason and source, not its
 * text, which nothing after the filters reads and which on web text is most of the corpus. The
 * dropped-sample/ report shows the {@code n} smallest keys of each reason in the whole corpus; each
 * partition ends with {@link Document#sampleCopy copies} of its own {@code n} smallest per reason,
 * with the start of their text, and the corpus's are among those.
 */
final class DroppedSamples {
    private DroppedSamples() {}

    /**
     * @param docs  one partition's documents after the filters
     * @param n     sample size per reason
     * @param chars text each copy keeps
     * @return the documents, dropped ones without text, then the partition's sample copies
     */
    static Iterator<Document> strip(Iterator<Document> docs, int n, int chars) {
        return new Iterator<>() {
            final Map<String, TreeMap<Long, Document>> smallest = new HashMap<>();
            Iterator<Document> copies;

            @Override
            public boolean hasNext() {
                if (copies == null) {
                    if (docs.hasNext()) {
                        return true;
                    }
                    copies = smallest.values().stream().flatMap(m -> m.values().stream()).iterator();
                }
                return copies.hasNext();
            }

            @Override
            public Document next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                if (copies != null) {
                    return copies.next();
                }
                Document d = docs.next();
                if (!d.kept() && !d.quarantined()) {
                    TreeMap<Long, Document> keys = smallest.computeIfAbsent(d.getDrop(), r -> new TreeMap<>());
                    if (keys.size() < n || (n > 0 && d.getKey() < keys.lastKey())) {
                        keys.put(d.getKey(), d.sampleCopy(chars));
                        if (keys.size() > n) {
                            keys.pollLastEntry();
                        }
                    }
                    d.setText(null);
                }
                return d;
            }
        };
    }
}
