package dev.sparklm.preprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class DroppedSamplesTest {
    @Test
    void droppedDocumentsLoseTheirTextAndEachReasonsSmallestKeysFollowAsCopies() {
        Random r = new Random(4);
        List<Document> docs = new ArrayList<>();
        Map<String, TreeSet<Long>> keysByReason = new TreeMap<>();
        for (int i = 0; i < 500; i++) {
            Document d = Document.of(null, "f" + (i % 7), i * 31L, "text of " + i + " " + "x".repeat(r.nextInt(50)));
            int kind = r.nextInt(5);
            if (kind == 0) {
                d = Document.quarantined("f", i, "malformed-json", "bad");
            } else if (kind < 4) {
                String reason = kind == 1 ? "c4:curly-brace" : kind == 2 ? "language:not-allowed" : "gopher-quality:too-few-words";
                d.dropBy(reason.substring(0, reason.indexOf(':')), reason.substring(reason.indexOf(':') + 1));
                keysByReason.computeIfAbsent(reason, x -> new TreeSet<>()).add(d.getKey());
            }
            docs.add(d);
        }
        Map<Long, String> texts = new TreeMap<>();
        docs.forEach(d -> texts.put(d.getKey(), d.getText()));

        List<Document> out = new ArrayList<>();
        DroppedSamples.strip(docs.iterator(), 3, 10).forEachRemaining(out::add);

        // Every document, in order, dropped ones without text; kept and quarantined ones untouched.
        assertEquals(docs, out.subList(0, docs.size()));
        for (Document d : docs) {
            if (!d.kept() && !d.quarantined()) {
                assertNull(d.getText());
            } else {
                assertEquals(texts.get(d.getKey()), d.getText());
            }
        }
        // Then each reason's 3 smallest keys as sample copies with 10 characters of their text.
        List<Document> copies = out.subList(docs.size(), out.size());
        Map<String, TreeSet<Long>> copied = new TreeMap<>();
        for (Document c : copies) {
            assertTrue(c.isSampleCopy());
            assertEquals(texts.get(c.getKey()).substring(0, 10), c.getText());
            copied.computeIfAbsent(c.getDrop(), x -> new TreeSet<>()).add(c.getKey());
        }
        Map<String, TreeSet<Long>> expected = new TreeMap<>();
        keysByReason.forEach((reason, keys) -> expected.put(reason, new TreeSet<>(keys.stream().limit(3).toList())));
        assertEquals(expected, copied);
        assertEquals(9, copies.size());

        List<Document> none = new ArrayList<>();
        DroppedSamples.strip(List.of(docs.get(1), docs.get(2)).iterator(), 0, 10).forEachRemaining(none::add);
        assertEquals(2, none.size(), "a sample size of 0 copies nothing");
    }
}
