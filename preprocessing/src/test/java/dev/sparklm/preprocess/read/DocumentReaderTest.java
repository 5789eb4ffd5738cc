package dev.sparklm.preprocess.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparklm.io.JobConfigException;
import dev.sparklm.preprocess.Document;
import dev.sparklm.io.LocalSpark;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.compress.BZip2Codec;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DocumentReaderTest {
    @TempDir
    Path tmp;

    static ReaderOptions options(ReaderOptions.Format format) {
        return new ReaderOptions(format, "text", "", List.of(), 16 << 20);
    }

    static List<Document> read(String input, ReaderOptions options) {
        InputListing listing = InputListing.of(input, "preprocess.input", LocalSpark.get().sparkContext().hadoopConfiguration());
        return DocumentReader.read(LocalSpark.get(), input, listing, options).collect().stream()
                .sorted(Comparator.comparing(Document::getSource).thenComparingLong(Document::getOffset)).toList();
    }

    static List<String> texts(List<Document> docs) {
        return docs.stream().filter(Document::kept).map(Document::getText).toList();
    }

    static Map<String, Long> quarantined(List<Document> docs) {
        return docs.stream().filter(d -> !d.kept()).collect(Collectors.groupingBy(Document::getDrop, Collectors.counting()));
    }

    static byte[] gzip(String s) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (OutputStream z = new GZIPOutputStream(b)) {
            z.write(s.getBytes(StandardCharsets.UTF_8));
        }
        return b.toByteArray();
    }

    @Test
    void crlfAndCrFilesSplitIntoTheSameBlocksAsLfFiles() throws IOException {
        String lf = "First speech,\nits second line.\n\nSecond speech.\n\n\nThird.\n";
        List<String> expected = List.of("First speech,\nits second line.", "Second speech.", "Third.");
        for (String lineBreak : List.of("\n", "\r\n", "\r")) {
            Path dir = Files.createDirectories(tmp.resolve("breaks" + lineBreak.length() + lineBreak.charAt(0)));
            Files.writeString(dir.resolve("a.txt"), lf.replace("\n", lineBreak));
            assertEquals(expected, texts(read(dir.toString(), options(ReaderOptions.Format.BLANK_LINE))),
                    "line breaks " + lineBreak.replace("\r", "CR").replace("\n", "LF"));
        }
    }

    /**
     * A 4.5 GiB line (a sparse file: a hole of zeros between two short lines) is more than the
     * test JVM's 4 GiB heap and than any Java array: it is quarantined as too-long at its offset,
     * and the lines around it are read. Hadoop's line reader buffered the whole line first.
     */
    @Test
    void aLineLargerThanTheHeapIsQuarantinedWithItsOffsetAndTheRestIsRead() throws IOException {
        Path f = tmp.resolve("huge.txt");
        try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(f.toFile(), "rw")) {
            file.write("good line\n".getBytes(StandardCharsets.UTF_8));
            file.write('x');
            file.seek(10 + (4_608L << 20));
            file.write("\nafter it\n".getBytes(StandardCharsets.UTF_8));
        }
        List<Document> docs = read(f.toString(), options(ReaderOptions.Format.LINE));
        assertEquals(List.of("good line", "after it"), texts(docs));
        List<Document> tooLong = docs.stream().filter(d -> !d.kept()).toList();
        assertEquals(1, tooLong.size(), "quarantined: " + tooLong);
        assertEquals(Document.QUARANTINE + "too-long", tooLong.get(0).getDrop());
        assertEquals(10, tooLong.get(0).getOffset());
        assertTrue(tooLong.get(0).getSource().endsWith("huge.txt"));
    }

    @Test
    void linesAndBlankLineBlocksKeepFileAndOffset() throws IOException {
        Path f = Files.writeString(tmp.resolve("a.txt"), "first line\n\nsecond line\nthird\n");
        List<Document> lines = read(f.toString(), options(ReaderOptions.Format.LINE));
        assertEquals(List.of("first line", "second line", "third"), texts(lines));
        assertEquals(List.of(0L, 12L, 24L), lines.stream().map(Document::getOffset).toList());
        assertTrue(lines.get(0).getSource().endsWith("a.txt") && lines.get(0).getId().endsWith("a.txt:0"));
        assertEquals(3, lines.stream().map(Document::getKey).distinct().count(), "keys are distinct");

        List<Document> blocks = read(f.toString(), options(ReaderOptions.Format.BLANK_LINE));
        // A block is its lines joined by "\n": line breaks (LF, CRLF, CR) are not kept at its end.
        assertEquals(List.of("first line", "second line\nthird"), texts(blocks));
        assertEquals(List.of(0L, 12L), blocks.stream().map(Document::getOffset).toList());
    }

    @Test
    void compressedFilesAreDecompressedAndACorruptOneIsQuarantined() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("gz"));
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            many.append("line ").append(i).append(" of a long file\n");
        }
        Files.write(Files.createDirectories(dir.resolve("sub")).resolve("good.txt.gz"), gzip("one\ntwo\n"));   // nested: read too
        Files.writeString(dir.resolve("_SUCCESS"), "hidden: skipped\n");
        try (OutputStream out = new BZip2Codec() {{ setConf(new Configuration()); }}
                .createOutputStream(Files.newOutputStream(dir.resolve("good.txt.bz2")))) {
            out.write("three\nfour\n".getBytes(StandardCharsets.UTF_8));
        }
        byte[] whole = gzip(many.toString());
        Files.write(dir.resolve("truncated.txt.gz"), java.util.Arrays.copyOf(whole, whole.length / 2));

        List<Document> docs = read(dir.toString(), options(ReaderOptions.Format.LINE));
        List<String> good = texts(docs);
        assertTrue(good.containsAll(List.of("one", "two", "three", "four")), good.toString());
        assertTrue(!good.contains("hidden: skipped"), "files starting with _ or . are skipped");
        List<Document> bad = docs.stream().filter(d -> !d.kept()).toList();
        assertEquals(1, bad.size(), bad.toString());
        assertEquals("quarantine:unreadable", bad.get(0).getDrop());
        assertTrue(bad.get(0).getSource().endsWith("truncated.txt.gz"));
        // The lines before the damage were read; the quarantine record says where it stopped.
        long truncatedLines = docs.stream().filter(d -> d.kept() && d.getSource().endsWith("truncated.txt.gz")).count();
        assertTrue(truncatedLines > 1000 && truncatedLines < 20_000, "read up to the damage: " + truncatedLines);
        assertTrue(bad.get(0).getOffset() > 0);
        assertNull(bad.get(0).getText());
    }

    @Test
    void invalidUtf8BinaryAndHugeRecordsAreQuarantinedWithTheirOffsets() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes("good line\n".getBytes(StandardCharsets.UTF_8));
        b.writeBytes(new byte[] {'b', 'a', 'd', (byte) 0xC3, (byte) 0x28, '\n'});   // invalid 2-byte sequence
        b.writeBytes("caf\u00e9 ok\n".getBytes(StandardCharsets.UTF_8));
        b.writeBytes(new byte[] {'b', 'i', 'n', 0, 1, 2, 0, '\n'});
        Path f = Files.write(tmp.resolve("mixed.txt"), b.toByteArray());
        List<Document> docs = read(f.toString(), options(ReaderOptions.Format.LINE));
        assertEquals(List.of("good line", "caf\u00e9 ok"), texts(docs));
        Document invalid = docs.get(1);
        assertEquals("quarantine:invalid-utf8", invalid.getDrop());
        assertEquals(10, invalid.getOffset());
        assertTrue(invalid.getDetail().contains("+3"), invalid.getDetail());
        assertEquals("bad\uFFFD(", invalid.getPreview(), "malformed bytes shown as U+FFFD");
        assertEquals("quarantine:binary", docs.get(3).getDrop());
        assertEquals("bin\u00B7\u00B7\u00B7\u00B7", docs.get(3).getPreview(), "control bytes shown as middle dots");

        // A 50 MB line with no newline: quarantined as too-long, the next line still read.
        Path huge = tmp.resolve("huge.txt");
        try (OutputStream out = Files.newOutputStream(huge)) {
            byte[] chunk = "abcdefghij".repeat(100_000).getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 50; i++) {
                out.write(chunk);
            }
            out.write("\nafter\n".getBytes(StandardCharsets.US_ASCII));
        }
        List<Document> big = read(huge.toString(), options(ReaderOptions.Format.LINE));
        assertEquals(Map.of("quarantine:too-long", 1L), quarantined(big));
        assertEquals(List.of("after"), texts(big));
        assertEquals("more than 16777216 bytes (preprocess.max-document-bytes)", big.get(0).getDetail());
        assertEquals(0, big.get(0).getOffset());
    }

    /** A UTF-8 byte order mark starting a file is not text: the first JSON line was quarantined as malformed. */
    @Test
    void aByteOrderMarkStartingAFileIsNotPartOfItsFirstRecord() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("bom"));
        Files.writeString(dir.resolve("a.jsonl"), "\uFEFF{\"text\": \"first\"}\r\n{\"text\": \"second\"}\r\n");
        Files.write(dir.resolve("b.txt.gz"), gzip("\uFEFFthird\n\nfourth\n"));
        List<Document> json = read(dir.resolve("a.jsonl").toString(), options(ReaderOptions.Format.JSONL));
        assertEquals(Map.of(), quarantined(json));
        assertEquals(List.of("first", "second"), texts(json));
        assertEquals(3L, json.get(0).getOffset());
        assertEquals(List.of("third", "fourth"), texts(read(dir.resolve("b.txt.gz").toString(),
                options(ReaderOptions.Format.BLANK_LINE))));
    }

    @Test
    void jsonLinesWithFieldsAndBadLines() throws IOException {
        Path f = Files.writeString(tmp.resolve("d.jsonl"), String.join("\n",
                "{\"text\": \"first doc\", \"meta\": {\"id\": \"A\", \"url\": \"http://a\"}, \"lang\": \"en\"}",
                "{\"text\": \"second doc\", \"meta\": {\"id\": 7}}",
                "{\"text\": \"unterminated",
                "",
                "{\"body\": \"no text field\"}",
                "{\"text\": 42}",
                "[1, 2]") + "\n");
        ReaderOptions o = new ReaderOptions(ReaderOptions.Format.JSONL, "text", "meta.id", List.of("meta.url", "lang"), 1 << 20);
        List<Document> docs = read(f.toString(), o);
        assertEquals(List.of("first doc", "second doc"), texts(docs));
        assertEquals("A", docs.get(0).getId());
        assertEquals("7", docs.get(1).getId());
        assertEquals("{\"meta.url\":\"http://a\",\"lang\":\"en\"}", docs.get(0).getMeta());
        assertEquals(Map.of("quarantine:malformed-json", 1L, "quarantine:missing-text", 3L), quarantined(docs));
    }

    @Test
    void parquetTextColumnWithIdAndMetadata() throws IOException {
        SparkSession spark = LocalSpark.get();
        String dir = tmp.resolve("pq").toString();
        spark.createDataFrame(List.of(new Row3("doc one", "x1", "http://1"), new Row3(null, "x2", "http://2"),
                new Row3("doc three", "x3", "http://3")), Row3.class).coalesce(1).write().parquet(dir);
        ReaderOptions o = new ReaderOptions(ReaderOptions.Format.PARQUET, "body", "key", List.of("url"), 1 << 20);
        Files.write(Path.of(dir, "zz-corrupt.parquet"), "PAR1 this is not a parquet file".getBytes(StandardCharsets.US_ASCII));
        Files.write(Path.of(dir, "zz-empty.parquet"), new byte[0]);
        List<Document> all = read(dir, o);
        Map<String, Long> bad = quarantined(all);
        assertEquals(Map.of("quarantine:missing-text", 1L, "quarantine:no-rows", 1L, "quarantine:empty-file", 1L), bad);
        assertTrue(all.stream().anyMatch(d -> "quarantine:no-rows".equals(d.getDrop()) && d.getSource().endsWith("zz-corrupt.parquet")));
        List<Document> docs = all.stream().filter(d -> !d.getSource().contains("zz-")).toList();
        assertEquals(List.of("doc one", "doc three"), texts(docs));
        assertEquals(List.of(0L, 1L, 2L), docs.stream().map(Document::getOffset).toList());
        assertEquals("x1", docs.get(0).getId());
        assertEquals("{\"url\":\"http://1\"}", docs.get(0).getMeta());
        assertEquals("quarantine:missing-text", docs.get(1).getDrop());

        JobConfigException e = assertThrows(JobConfigException.class,
                () -> read(dir, new ReaderOptions(ReaderOptions.Format.PARQUET, "txt", "", List.of(), 100)));
        assertTrue(e.getMessage().contains("no column \"txt\" (preprocess.fields.text)") && e.getMessage().contains("body"),
                e.getMessage());

        // A Parquet file whose name holds ':' is read like the others (the checksum layer quarantined it as no-rows).
        Path colon = Files.createDirectories(tmp.resolve("pq-colon"));
        Path part = Files.list(Path.of(dir)).filter(f -> f.getFileName().toString().startsWith("part-")).findFirst().orElseThrow();
        Files.copy(part, colon.resolve("rows:2024.parquet"));
        List<Document> named = read(colon.toString(), o);
        assertEquals(Map.of("quarantine:missing-text", 1L), quarantined(named));
        assertEquals(List.of("doc one", "doc three"), texts(named));

        // Text files read as Parquet (the wrong input-format): named, not Spark's stack trace.
        Path text = Files.createDirectories(tmp.resolve("not-parquet"));
        Files.writeString(text.resolve("a.txt"), "plain text, not Parquet\n");
        JobConfigException wrong = assertThrows(JobConfigException.class,
                () -> read(text.toString(), options(ReaderOptions.Format.PARQUET)));
        assertTrue(wrong.getMessage().startsWith("no readable Parquet file in " + text + " (preprocess.input, with "
                + "preprocess.input-format = parquet): 1 file(s)"), wrong.getMessage());
    }

    /** A Parquet row for the test (a bean, so Spark derives the schema). */
    public static class Row3 implements java.io.Serializable {
        private String body;
        private String key;
        private String url;

        public Row3() {}

        Row3(String body, String key, String url) {
            this.body = body;
            this.key = key;
            this.url = url;
        }

        public String getBody() { return body; }
        public void setBody(String body) { this.body = body; }
        public String getKey() { return key; }
        public void setKey(String key) { this.key = key; }
        public String getUrl() { return url; }
        public void setUrl(String url) { this.url = url; }
    }

    @Test
    void wholeFilesPlainAndHtmlWithDeclaredCharset() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("pages"));
        Files.createDirectories(dir.resolve("sub"));
        Files.write(dir.resolve("sub/zz-empty.html"), new byte[0]);
        Files.writeString(dir.resolve("a.html"), "<html><body><p>Caf\u00e9 page</p></body></html>");
        Files.write(dir.resolve("b.html"), "<html><head><meta charset=\"iso-8859-1\"></head><body>Na\u00efve</body></html>"
                .getBytes(StandardCharsets.ISO_8859_1));
        Files.write(dir.resolve("sub/c.html.gz"), gzip("<p>zipped</p>"));
        Files.write(dir.resolve("sub/d.html"), new byte[] {'<', 'p', '>', (byte) 0xFF, (byte) 0xFE, '<'});
        List<Document> docs = read(dir.toString(), options(ReaderOptions.Format.HTML));
        assertEquals(List.of("<html><body><p>Caf\u00e9 page</p></body></html>",
                "<html><head><meta charset=\"iso-8859-1\"></head><body>Na\u00efve</body></html>", "<p>zipped</p>"), texts(docs));
        assertEquals("quarantine:invalid-utf8", docs.get(3).getDrop());
        assertEquals("quarantine:empty-file", docs.get(4).getDrop());

        ReaderOptions small = new ReaderOptions(ReaderOptions.Format.FILE, "text", "", List.of(), 30);
        List<Document> limited = read(dir.toString(), small);
        assertEquals("quarantine:too-long", limited.get(0).getDrop());
    }

    /**
     * Names Hadoop's local checksum layer cannot turn into a ".name.crc" path (':') and names a
     * URI must escape (space, '%', '#') are read in every format that reads files. The ':' file
     * was quarantined unread as whole-file input and failed the job as line input.
     */
    @Test
    void filesWhoseNamesHoldColonsSpacesAndPercentSignsAreRead() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("names"));
        List<String> names = List.of("notes:2024.txt", "with space.txt", "100%.txt", "hash#1.txt", "plain.txt");
        for (String name : names) {
            Files.writeString(dir.resolve(name), "{\"text\": \"from " + name.replace("%", "pct") + "\"}\n");
        }
        List<String> expected = names.stream().map(n -> "{\"text\": \"from " + n.replace("%", "pct") + "\"}").sorted().toList();
        for (ReaderOptions.Format format : List.of(ReaderOptions.Format.FILE, ReaderOptions.Format.LINE,
                ReaderOptions.Format.BLANK_LINE)) {
            List<Document> docs = read(dir.toString(), options(format));
            assertEquals(Map.of(), quarantined(docs), format.toString());
            assertEquals(expected, texts(docs).stream().map(String::strip).sorted().toList(), format.toString());
        }
        List<Document> json = read(dir.toString(), options(ReaderOptions.Format.JSONL));
        assertEquals(Map.of(), quarantined(json));
        assertEquals(names.stream().map(n -> "from " + n.replace("%", "pct")).sorted().toList(), texts(json).stream().sorted().toList());
    }

    /**
     * A file whose name asks for a codec its bytes are not in (plain text named .gz or .bz2) is
     * quarantined as unreadable in every format, and the other files are read: a .gz failed the
     * line formats' task (and with it the job), and a .bz2 yielded nothing without a word.
     */
    @Test
    void aFileNotInItsNamesCodecIsQuarantinedAndTheRestRead() throws IOException {
        String plain = "just text, not compressed\n";
        String page = "<mediawiki>\n  <page>\n    <title>T</title><ns>0</ns><id>7</id><revision><text>good page</text></revision>\n  </page>\n</mediawiki>\n";
        for (ReaderOptions.Format format : List.of(ReaderOptions.Format.LINE, ReaderOptions.Format.JSONL,
                ReaderOptions.Format.FILE, ReaderOptions.Format.MEDIAWIKI)) {
            Path dir = Files.createDirectories(tmp.resolve("codec-" + format));
            String good = format == ReaderOptions.Format.MEDIAWIKI ? page
                    : format == ReaderOptions.Format.JSONL ? "{\"text\": \"good line\"}\n" : "good line\n";
            Files.write(dir.resolve("good.gz"), gzip(good));
            Files.write(dir.resolve("good2.bz2"), MediaWikiInputFormatTest.bzip2(good.getBytes(StandardCharsets.UTF_8)));
            Files.writeString(dir.resolve("plain.gz"), plain);
            Files.writeString(dir.resolve("plain.bz2"), plain);
            List<Document> docs = read(dir.toString(), options(format));
            String text = format == ReaderOptions.Format.MEDIAWIKI ? "good page" : format == ReaderOptions.Format.FILE ? "good line\n" : "good line";
            assertEquals(List.of(text, text), texts(docs), format.toString());
            assertEquals(Map.of("quarantine:unreadable", 2L), quarantined(docs), format.toString());
            assertEquals(List.of("plain.bz2", "plain.gz"), docs.stream().filter(Document::quarantined)
                    .map(d -> d.getSource().substring(d.getSource().lastIndexOf('/') + 1)).sorted().toList(), format.toString());
        }
    }

    /**
     * .zst and .xz files (The Pile's and OpenWebText's formats), each two frames or streams one
     * after another, read in three formats as the uncompressed text: Hadoop's .zst codec needs
     * native code a Spark install lacks (every file was unreadable), and it has no .xz codec (the
     * compressed bytes were read as text).
     */
    @Test
    void zstdAndXzFilesAreDecompressed() throws IOException {
        String first = "{\"text\": \"first record\"}\n{\"text\": \"second record\"}\n";
        String second = "{\"text\": \"third record\"}\n";
        for (String ext : List.of("zst", "xz")) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (String part : List.of(first, second)) {
                ByteArrayOutputStream one = new ByteArrayOutputStream();
                try (OutputStream z = ext.equals("zst") ? new com.github.luben.zstd.ZstdOutputStream(one)
                        : new org.tukaani.xz.XZOutputStream(one, new org.tukaani.xz.LZMA2Options())) {
                    z.write(part.getBytes(StandardCharsets.UTF_8));
                }
                b.writeBytes(one.toByteArray());
            }
            Path dir = Files.createDirectories(tmp.resolve("codec-" + ext));
            Files.write(dir.resolve("part." + ext), b.toByteArray());
            List<Document> json = read(dir.toString(), options(ReaderOptions.Format.JSONL));
            assertEquals(List.of("first record", "second record", "third record"), texts(json), ext);
            assertEquals(Map.of(), quarantined(json), ext);
            assertEquals(List.of(first + second), texts(read(dir.toString(), options(ReaderOptions.Format.FILE))), ext);
            assertEquals(3, texts(read(dir.toString(), options(ReaderOptions.Format.LINE))).size(), ext);
        }
    }

    /**
     * A .bz2 JSON Lines file is read by several tasks, record for record as the uncompressed
     * file, each record with an offset of its own; a .bz2 blank-line file stays one task.
     */
    @Test
    void aBzip2JsonLinesFileIsSplitAcrossTasks() throws IOException {
        StringBuilder b = new StringBuilder();
        java.util.Random random = new java.util.Random(9);
        for (int i = 0; i < 6_000; i++) {
            b.append("{\"text\": \"record ").append(i).append(' ').append(Long.toString(random.nextLong(), 36)).append("\"}\n");
        }
        byte[] plain = b.toString().getBytes(StandardCharsets.UTF_8);
        Path dir = Files.createDirectories(tmp.resolve("bz2-jsonl"));
        Path bz2 = Files.write(dir.resolve("part.jsonl.bz2"), MediaWikiInputFormatTest.bzip2(plain));
        Path plainFile = Files.write(Files.createDirectories(tmp.resolve("plain-jsonl")).resolve("part.jsonl"), plain);
        Configuration hadoop = LocalSpark.get().sparkContext().hadoopConfiguration();
        String key = "mapreduce.input.fileinputformat.split.maxsize";
        String before = hadoop.get(key);
        hadoop.setLong(key, Files.size(bz2) / 4);
        try {
            ReaderOptions options = options(ReaderOptions.Format.JSONL);
            var docs = DocumentReader.read(LocalSpark.get(), dir.toString(), InputListing.of(dir.toString(), "preprocess.input", hadoop), options);
            assertTrue(docs.getNumPartitions() >= 4, docs.getNumPartitions() + " partitions");
            List<Document> all = docs.collect();
            assertEquals(texts(read(plainFile.toString(), options)), texts(all));
            assertEquals(6_000, all.stream().map(Document::getKey).distinct().count(), "a key per record");
            var paragraphs = DocumentReader.read(LocalSpark.get(), dir.toString(), InputListing.of(dir.toString(), "preprocess.input", hadoop),
                    options(ReaderOptions.Format.BLANK_LINE));
            assertEquals(1, paragraphs.getNumPartitions(), "blank-line .bz2: one task");
        } finally {
            if (before == null) {
                hadoop.unset(key);
            } else {
                hadoop.set(key, before);
            }
        }
    }

    @Test
    void mediaWikiDumpOneDocumentPerArticle() throws IOException {
        String dump = """
                <mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/">
                  <siteinfo><sitename>Test</sitename></siteinfo>
                  <page><title>Paris</title><ns>0</ns><id>1</id>
                    <revision><id>10</id><contributor><id>5</id></contributor><text xml:space="preserve">'''Paris''' is a [[city]].</text></revision>
                  </page>
                  <page><title>Lutetia</title><ns>0</ns><id>2</id><redirect title="Paris" />
                    <revision><id>11</id><text>#REDIRECT [[Paris]]</text></revision>
                  </page>
                  <page><title>Talk:Paris</title><ns>1</ns><id>3</id>
                    <revision><id>12</id><text>Discussion &amp; more</text></revision>
                  </page>
                  <page><title>Rome</title><ns>0</ns><id>4</id>
                    <revision><id>13</id><text>Rome &amp; the [[Tiber]].</text></revision>
                  </page>
                </mediawiki>
                """;
        Path f = Files.writeString(tmp.resolve("wiki.xml"), dump);
        List<Document> docs = read(f.toString(), options(ReaderOptions.Format.MEDIAWIKI));
        assertEquals(List.of("'''Paris''' is a [[city]].", "Rome & the [[Tiber]]."), texts(docs));
        assertEquals("wiki:1", docs.get(0).getId());
        assertEquals(1, docs.get(0).getOffset(), "a page's offset is its id");
        assertEquals("{\"title\":\"Paris\"}", docs.get(0).getMeta());
        assertEquals("read:redirect", docs.get(1).getDrop());
        assertEquals("read:not-an-article", docs.get(2).getDrop());

        Path cut = Files.writeString(tmp.resolve("cut.xml"), dump.substring(0, dump.indexOf("<page><title>Rome") + 40));
        List<Document> partial = read(cut.toString(), options(ReaderOptions.Format.MEDIAWIKI));
        assertEquals(List.of("'''Paris''' is a [[city]]."), texts(partial));
        Document broken = partial.stream().filter(Document::quarantined).findFirst().orElseThrow();
        assertEquals("quarantine:malformed-xml", broken.getDrop());
        assertEquals(dump.indexOf("<page><title>Rome"), broken.getOffset(), "the byte offset of the page the dump broke in");

        // A page that is not well-formed costs that page only: the pages after it are read.
        Path bad = Files.writeString(tmp.resolve("bad.xml"), dump.replace("<ns>1</ns>", "<ns>1</nz>"));
        List<Document> rest = read(bad.toString(), options(ReaderOptions.Format.MEDIAWIKI));
        assertEquals(List.of("'''Paris''' is a [[city]].", "Rome & the [[Tiber]]."), texts(rest));
        assertEquals(Map.of("quarantine:malformed-xml", 1L, "read:redirect", 1L), quarantined(rest));

        // A page longer than max-document-bytes is quarantined at its offset, never held whole.
        Path big = Files.writeString(tmp.resolve("big.xml"), dump.replace("Discussion &amp; more", "x".repeat(5000)));
        List<Document> bounded = read(big.toString(), new ReaderOptions(ReaderOptions.Format.MEDIAWIKI, "text", "", List.of(), 1000));
        assertEquals(List.of("'''Paris''' is a [[city]].", "Rome & the [[Tiber]]."), texts(bounded));
        Document tooLong = bounded.stream().filter(Document::quarantined).findFirst().orElseThrow();
        assertEquals("quarantine:too-long", tooLong.getDrop());
        assertEquals(dump.indexOf("<page><title>Talk:Paris"), tooLong.getOffset());
    }
}
