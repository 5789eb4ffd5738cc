package dev.sparklm.preprocess.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparklm.preprocess.Document;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WetRecordsTest {
    @TempDir
    Path tmp;

    static final String WARCINFO = "isPartOf: CC-MAIN-2024-10\r\npublisher: Common Crawl\r\n";

    /** A WARC record as Common Crawl writes it: header lines, a blank line, the block, two CRLFs. */
    static byte[] record(String type, String url, String id, byte[] block, boolean withLength) {
        StringBuilder h = new StringBuilder("WARC/1.0\r\n").append("WARC-Type: ").append(type).append("\r\n");
        if (url != null) {
            h.append("WARC-Target-URI: ").append(url).append("\r\n");
        }
        h.append("WARC-Date: 2024-02-20T10:00:00Z\r\nWARC-Record-ID: <urn:uuid:").append(id).append(">\r\n");
        if (url != null) {
            h.append("WARC-Identified-Content-Language: eng\r\n");
        }
        h.append("Content-Type: text/plain\r\n");
        if (withLength) {
            h.append("Content-Length: ").append(block.length).append("\r\n");
        }
        h.append("\r\n");
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(h.toString().getBytes(StandardCharsets.UTF_8));
        b.writeBytes(block);
        b.writeBytes("\r\n\r\n".getBytes(StandardCharsets.UTF_8));
        return b.toByteArray();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static List<Document> read(byte[] file, long maxBytes) {
        List<Document> out = new ArrayList<>();
        Iterator<Document> it = WetRecords.read("cc.warc.wet", new ByteArrayInputStream(file), maxBytes);
        it.forEachRemaining(out::add);
        return out;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }

    @Test
    void oneDocumentPerConversionRecordWithItsHeaderFieldsAndOffset() {
        byte[] info = record("warcinfo", null, "0", utf8(WARCINFO), true);
        byte[] a = record("conversion", "https://example.org/a", "1", utf8("Première page.\nSecond line\r\nwith CRLF."), true);
        byte[] b = record("conversion", "https://example.org/b", "2", utf8(""), true);
        byte[] c = record("conversion", "https://example.org/c", "3", utf8("Third page: WARC/1.0 inside text."), true);
        List<Document> docs = read(concat(info, a, b, c), 1 << 20);
        assertEquals(List.of("Première page.\nSecond line\r\nwith CRLF.", "", "Third page: WARC/1.0 inside text."),
                docs.stream().map(Document::getText).toList());
        assertEquals(List.of((long) info.length, (long) info.length + a.length, (long) info.length + a.length + b.length),
                docs.stream().map(Document::getOffset).toList(), "each record's byte offset");
        assertEquals("urn:uuid:1", docs.get(0).getId());
        assertEquals("{\"url\":\"https://example.org/a\",\"date\":\"2024-02-20T10:00:00Z\",\"language\":\"eng\"}", docs.get(0).getMeta());
        assertTrue(docs.stream().allMatch(Document::kept));
    }

    /**
     * Bad records cost themselves only: a header without Content-Length, a record longer than
     * the limit, text that is not UTF-8; then a file cut inside its last record.
     */
    @Test
    void badRecordsAreQuarantinedAndTheRestIsRead() {
        byte[] good1 = record("conversion", "https://example.org/1", "1", utf8("first"), true);
        byte[] noLength = record("conversion", "https://example.org/2", "2", utf8("no length"), false);
        byte[] big = record("conversion", "https://example.org/3", "3", utf8("x".repeat(5000)), true);
        byte[] latin1 = record("conversion", "https://example.org/4", "4", "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1), true);
        byte[] good2 = record("conversion", "https://example.org/5", "5", utf8("fifth"), true);
        byte[] cut = record("conversion", "https://example.org/6", "6", utf8("sixth, cut short"), true);
        byte[] file = concat(good1, noLength, big, latin1, good2, java.util.Arrays.copyOf(cut, cut.length - 10));
        List<Document> docs = read(file, 1000);
        assertEquals(List.of("first", "fifth"), DocumentReaderTest.texts(docs));
        long noLengthAt = good1.length;
        long bigAt = noLengthAt + noLength.length;
        long latin1At = bigAt + big.length;
        long cutAt = latin1At + latin1.length + good2.length;
        List<String> quarantined = docs.stream().filter(Document::quarantined).map(d -> d.getDrop() + "@" + d.getOffset()).toList();
        assertEquals(List.of("quarantine:malformed-warc@" + noLengthAt, "quarantine:too-long@" + bigAt,
                "quarantine:" + RecordDecoder.Problem.INVALID_UTF8.reason + "@" + latin1At, "quarantine:malformed-warc@" + cutAt), quarantined);
    }

    /** Common Crawl's .warc.wet.gz is a gzip member per record: read through Spark, every record. */
    @Test
    void aGzippedWetFileOfManyMembersThroughSpark() throws IOException {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String text = "Page " + i + " text, with some words.";
            texts.add(text);
            byte[] rec = i == 0 ? concat(record("warcinfo", null, "0", utf8(WARCINFO), true),
                    record("conversion", "https://example.org/" + i, "id" + i, utf8(text), true))
                    : record("conversion", "https://example.org/" + i, "id" + i, utf8(text), true);
            ByteArrayOutputStream member = new ByteArrayOutputStream();
            try (OutputStream z = new GZIPOutputStream(member)) {
                z.write(rec);
            }
            file.writeBytes(member.toByteArray());
        }
        Path wet = Files.write(Files.createDirectories(tmp.resolve("crawl")).resolve("CC-MAIN-x.warc.wet.gz"), file.toByteArray());
        List<Document> docs = DocumentReaderTest.read(wet.getParent().toString(), DocumentReaderTest.options(ReaderOptions.Format.WET));
        assertEquals(texts, DocumentReaderTest.texts(docs));
        assertEquals(Map.of(), DocumentReaderTest.quarantined(docs));
    }
}
