package dev.sparklm.preprocess.read;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparklm.preprocess.Document;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The text records of a WET file (WARC/1.0, as Common Crawl publishes the text it extracted from
 * each page: {@code CC-MAIN-*.warc.wet.gz}), one document per "conversion" record: its text, id
 * the WARC-Record-ID, metadata {"url", "date", "language"} from the record's header, offset the
 * record's byte offset in the decompressed file. Other records (the file's warcinfo) hold no
 * page and are skipped. The file is streamed: a record longer than max-document-bytes is
 * quarantined as {@code too-long} without being held, one whose header cannot be read as
 * {@code malformed-warc} (reading goes on at the next "WARC/" line), text that is not UTF-8 as
 * the line formats quarantine it, and a stream that breaks (a truncated .gz) ends the file with
 * an {@code unreadable} record.
 */
final class WetRecords extends DocumentIterator {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_HEADER_LINE = 64 * 1024;

    private final String source;
    private final InputStream in;
    private final long maxBytes;
    private final RecordDecoder decoder;
    private long position;   // offset of the next byte in the decompressed file
    private String pending;   // a "WARC/" line read ahead while looking for the next record
    private long pendingAt;
    private long attemptAt;   // where the record being read starts

    private WetRecords(String source, InputStream in, long maxBytes) {
        this.source = source;
        this.in = new BufferedInputStream(in, 64 * 1024);
        this.maxBytes = maxBytes;
        this.decoder = new RecordDecoder(maxBytes);
    }

    static Iterator<Document> read(String source, InputStream in, long maxBytes) {
        return new WetRecords(source, in, maxBytes);
    }

    @Override
    Document advance() throws IOException {
        attemptAt = position;
        return nextRecord();
    }

    @Override
    Document broken(Exception e) {
        return Document.quarantined(source, attemptAt, "unreadable", e.toString());
    }

    @Override
    void finish() {
        try {
            in.close();
        } catch (IOException e) {
            // reading is over either way
        }
    }

    /** The next document or quarantined record; null at the end of the file. */
    private Document nextRecord() throws IOException {
        while (true) {
            long start;
            String version;
            if (pending != null) {
                start = pendingAt;
                version = pending;
                pending = null;
            } else {
                start = position;
                version = readLine();
                while (version != null && version.isEmpty()) {   // the blank lines after a record
                    start = position;
                    version = readLine();
                }
                if (version == null) {
                    return null;
                }
            }
            if (!version.startsWith("WARC/")) {
                return malformed(start, "expected a WARC/ version line, found \"" + clip(version) + "\"");
            }
            Map<String, String> header = new TreeMap<>();
            for (String line = readLine(); line == null || !line.isEmpty(); line = readLine()) {
                if (line == null) {
                    return Document.quarantined(source, start, "malformed-warc", "the file ends inside a record's header");
                }
                int colon = line.indexOf(':');
                if (colon > 0) {
                    header.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
                }
            }
            long length;
            try {
                length = Long.parseLong(header.getOrDefault("content-length", ""));
            } catch (NumberFormatException e) {
                return malformed(start, "no valid Content-Length: \"" + clip(header.getOrDefault("content-length", "")) + "\"");
            }
            boolean text = "conversion".equals(header.get("warc-type"));
            if (!text || length > maxBytes) {
                skip(length);
                if (text) {
                    return Document.quarantined(source, start, RecordDecoder.Problem.TOO_LONG.reason,
                            length + " bytes > " + maxBytes + " (preprocess.max-document-bytes)");
                }
                continue;   // warcinfo, or any other record that holds no page text
            }
            byte[] content = in.readNBytes((int) length);
            position += content.length;
            if (content.length < length) {
                return Document.quarantined(source, start, "malformed-warc",
                        "the file ends inside a record: " + content.length + " of " + length + " bytes");
            }
            String body = decoder.decode(content, content.length);
            if (body == null) {
                return Document.quarantined(source, start, decoder.problem().reason, decoder.detail())
                        .withPreview(content, content.length);
            }
            String id = header.get("warc-record-id");
            if (id != null && id.startsWith("<") && id.endsWith(">")) {
                id = id.substring(1, id.length() - 1);
            }
            Document d = Document.of(id, source, start, body);
            ObjectNode meta = JSON.createObjectNode();
            putIfPresent(meta, "url", header.get("warc-target-uri"));
            putIfPresent(meta, "date", header.get("warc-date"));
            putIfPresent(meta, "language", header.get("warc-identified-content-language"));
            d.setMeta(meta.toString());
            return d;
        }
    }

    /** A record whose header cannot be read, and reading resumes at the next "WARC/" line. */
    private Document malformed(long start, String detail) throws IOException {
        for (long at = position; ; at = position) {
            String line = readLine();
            if (line == null) {
                break;
            }
            if (line.startsWith("WARC/")) {
                pending = line;
                pendingAt = at;
                break;
            }
        }
        return Document.quarantined(source, start, "malformed-warc", detail);
    }

    private static void putIfPresent(ObjectNode meta, String key, String value) {
        if (value != null) {
            meta.put(key, value);
        }
    }

    private static String clip(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "..." : s;
    }

    /** A header line without its CRLF (or LF), null at the end of the file; at most 64 kB kept. */
    private String readLine() throws IOException {
        byte[] line = new byte[128];
        int n = 0;
        int b = in.read();
        if (b < 0) {
            return null;
        }
        while (b >= 0 && b != '\n') {
            position++;
            if (n < MAX_HEADER_LINE) {
                if (n == line.length) {
                    line = java.util.Arrays.copyOf(line, n * 2);
                }
                line[n++] = (byte) b;
            }
            b = in.read();
        }
        if (b == '\n') {
            position++;
        }
        if (n > 0 && line[n - 1] == '\r') {
            n--;
        }
        return new String(line, 0, n, StandardCharsets.UTF_8);
    }

    private void skip(long n) throws IOException {
        long left = n;
        while (left > 0) {
            long s = in.skip(left);
            if (s <= 0) {
                if (in.read() < 0) {
                    break;
                }
                s = 1;
            }
            left -= s;
            position += s;
        }
    }
}
