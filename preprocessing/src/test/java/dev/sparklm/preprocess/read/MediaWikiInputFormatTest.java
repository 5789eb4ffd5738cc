package dev.sparklm.preprocess.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparklm.io.LocalSpark;
import dev.sparklm.preprocess.Document;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.compress.bzip2.CBZip2OutputStream;
import org.apache.hadoop.mapreduce.TaskAttemptID;
import org.apache.hadoop.mapreduce.lib.input.FileSplit;
import org.apache.hadoop.mapreduce.task.TaskAttemptContextImpl;
import org.apache.spark.api.java.JavaRDD;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each page of a dump is read exactly once, whole, however the dump is split: at every byte of an
 * uncompressed dump, and at many split sizes of bzip2 dumps with many blocks (single- and
 * multi-stream), against the pages the test wrote.
 */
class MediaWikiInputFormatTest {
    @TempDir
    Path tmp;

    static final Configuration HADOOP = new Configuration();

    /** A page as written: its id, title and text (unescaped). */
    record Page(long id, String title, String text) {}

    /**
     * {@code n} pages of random words, a few much longer than a bzip2 block; texts hold what
     * must be escaped, "<page>" among it.
     */
    static List<Page> pages(Random random, int n, int longEvery) {
        String[] words = {"the", "river", "&", "<page>", "</page>", "city", "'''bold'''", "[[link]]", "<ref>x</ref>",
                "é", "\u4e2d\u6587", "{{cite}}", "1901", "\"q\""};
        List<Page> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int length = longEvery > 0 && i % longEvery == longEvery - 1 ? 30_000 + random.nextInt(40_000) : random.nextInt(400);
            StringBuilder text = new StringBuilder();
            for (int w = 0; w < length; w++) {
                text.append(words[random.nextInt(words.length)]).append(random.nextInt(9) == 0 ? "\n" : " ");
            }
            out.add(new Page(1000 + 7L * i, "Title " + i + " & <co>", text.toString()));
        }
        return out;
    }

    /**
     * The pages as a dump. {@code ownLines}: the dumps' layout, one element per line; else all on
     * one line. Each revision has a {@code <parentid>}, which starts as "<page>" does.
     */
    static String dump(List<Page> pages, boolean ownLines) {
        String nl = ownLines ? "\n" : "";
        String in = ownLines ? "    " : "";
        StringBuilder b = new StringBuilder("<mediawiki xmlns=\"http://www.mediawiki.org/xml/export-0.10/\" xml:lang=\"en\">" + nl)
                .append(in).append("<siteinfo><sitename>Test</sitename></siteinfo>").append(nl);
        for (Page p : pages) {
            b.append(ownLines ? "  " : "").append("<page>").append(nl)
                    .append(in).append("<title>").append(escape(p.title())).append("</title>").append(nl)
                    .append(in).append("<ns>0</ns>").append(nl)
                    .append(in).append("<id>").append(p.id()).append("</id>").append(nl)
                    .append(in).append("<revision><id>").append(p.id() + 1).append("</id><parentid>").append(p.id())
                    .append("</parentid><text bytes=\"1\" xml:space=\"preserve\">")
                    .append(escape(p.text())).append("</text></revision>").append(nl)
                    .append(ownLines ? "  " : "").append("</page>").append(nl);
        }
        return b.append("</mediawiki>").append(nl).toString();
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** bzip2 with 100 kB blocks (the smallest), so a small dump has many blocks. */
    static byte[] bzip2(byte[] data) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(new byte[] {'B', 'Z'});   // Hadoop's stream writes the rest of the header
        try (OutputStream z = new CBZip2OutputStream(b, 1)) {
            z.write(data);
        }
        return b.toByteArray();
    }

    /** The pages that the reader finds in {@code file}, read split by split as the tasks would. */
    static List<Page> read(Path file, long splitSize) throws IOException {
        long length = Files.size(file);
        Configuration conf = new Configuration(HADOOP);
        TaskAttemptContextImpl context = new TaskAttemptContextImpl(conf, new TaskAttemptID());
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(file.toUri());
        List<Page> out = new ArrayList<>();
        for (long start = 0; start < length; start += splitSize) {
            try (MediaWikiInputFormat.Reader r = new MediaWikiInputFormat.Reader()) {
                r.initialize(new FileSplit(path, start, Math.min(splitSize, length - start), null), context);
                while (r.nextKeyValue()) {
                    Text v = r.getCurrentValue();
                    Document d = MediaWikiPages.parse(file.toString(), r.getCurrentKey().get(), v.getBytes(), v.getLength());
                    assertTrue(d.kept(), d.getDrop() + " " + d.getDetail() + " in split " + start + " of " + splitSize);
                    String title = d.getMeta().substring("{\"title\":\"".length(), d.getMeta().length() - 2);
                    out.add(new Page(d.getOffset(), title.replace("\\\"", "\""), d.getText()));
                }
            }
        }
        return out;
    }

    @Test
    void everyPageOnceAtEverySplitOfAnUncompressedDump() throws IOException {
        for (boolean ownLines : new boolean[] {true, false}) {
            List<Page> pages = pages(new Random(ownLines ? 1 : 2), 12, 0);
            Path file = Files.writeString(tmp.resolve("small" + ownLines + ".xml"), dump(pages, ownLines));
            for (int split = 1; split <= 64; split++) {
                assertEquals(pages, read(file, split), "split size " + split + ", tags on their own lines " + ownLines);
            }
            assertEquals(pages, read(file, Files.size(file)));
        }
    }

    @Test
    void everyPageOnceAtManySplitsOfABzip2Dump() throws IOException {
        List<Page> pages = pages(new Random(3), 700, 40);
        byte[] xml = dump(pages, true).getBytes(StandardCharsets.UTF_8);
        Path file = Files.write(tmp.resolve("dump.xml.bz2"), bzip2(xml));
        long size = Files.size(file);
        assertTrue(xml.length > 15 * 100_000, "many bzip2 blocks: " + xml.length + " bytes");
        for (long split : new long[] {size, size / 2 + 1, 100_003, 65_536, 40_961, 25_000, 9_999, 4_096, 1_000, 333}) {
            assertEquals(pages, read(file, split), "split size " + split + " of " + size);
        }
    }

    /**
     * Wikipedia's multistream dump is bzip2 streams one after another (100 pages each), the
     * first holding the header: every stream boundary is a block boundary too. Here the streams
     * end before, inside and after {@code <page>} and {@code <parentid>} tags, so that splits end
     * there: the split before must read the page whose tag the next split cannot see whole, and
     * no other.
     */
    @Test
    void everyPageOnceInAMultistreamDumpWhereverItsStreamsEnd() throws IOException {
        List<Page> pages = pages(new Random(4), 300, 50);
        String xml = dump(pages, true);
        java.util.TreeSet<Integer> tags = new java.util.TreeSet<>();
        for (String tag : new String[] {"<page>", "<parentid>"}) {
            for (int at = xml.indexOf(tag, xml.indexOf("<page>") + 1); at >= 0; at = xml.indexOf(tag, at + 1)) {
                tags.add(at);
            }
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int from = 0;
        int streams = 0;
        for (int tag : tags) {
            int to = tag + streams % 10 - 3;   // 3 bytes before the tag to 6 after it
            if (tag % 11 != 0 || to <= from) {
                continue;
            }
            b.write(bzip2(xml.substring(from, to).getBytes(StandardCharsets.UTF_8)));
            from = to;
            streams++;
        }
        b.write(bzip2(xml.substring(from).getBytes(StandardCharsets.UTF_8)));
        assertTrue(streams > 40, streams + " streams");
        Path file = Files.write(tmp.resolve("multistream.xml.bz2"), b.toByteArray());
        long size = Files.size(file);
        for (long split = 97; split < size; split = split * 3 / 2) {
            assertEquals(pages, read(file, split), "split size " + split + " of " + size);
        }
    }

    /**
     * A .gz dump (not splittable) is read whole by one task, page for page as the uncompressed
     * one; a .bz2 dump cut short yields the pages before the cut and an "unreadable" record,
     * and the job goes on.
     */
    @Test
    void gzipDumpsAndTruncatedBzip2Dumps() throws IOException {
        List<Page> pages = pages(new Random(8), 300, 40);
        byte[] xml = dump(pages, true).getBytes(StandardCharsets.UTF_8);
        ReaderOptions options = DocumentReaderTest.options(ReaderOptions.Format.MEDIAWIKI);
        Path gz = Files.write(tmp.resolve("dump.xml.gz"), DocumentReaderTest.gzip(new String(xml, StandardCharsets.UTF_8)));
        List<Document> fromGz = DocumentReaderTest.read(gz.toString(), options);
        assertEquals(pages.stream().map(Page::text).toList(), DocumentReaderTest.texts(fromGz));

        byte[] bz2 = bzip2(xml);
        Path cut = Files.write(tmp.resolve("cut.xml.bz2"), java.util.Arrays.copyOf(bz2, bz2.length * 2 / 3));
        List<Document> docs = DocumentReaderTest.read(cut.toString(), options);
        List<String> texts = DocumentReaderTest.texts(docs);
        assertTrue(texts.size() > 50 && texts.size() < pages.size(), texts.size() + " pages read");
        assertEquals(pages.subList(0, texts.size()).stream().map(Page::text).toList(), texts, "the pages before the cut, in order");
        assertEquals(java.util.Map.of("quarantine:unreadable", 1L), DocumentReaderTest.quarantined(docs));
    }

    /**
     * A 28 MB dump on two cores is four splits of 8 MiB, not one of Hadoop's 32 MiB block; a large
     * input is two splits per core until Hadoop's block size caps them.
     */
    @Test
    void inputIsSplitForEveryCore() {
        assertEquals(8L << 20, TextRecordReader.maxSplitBytes(28_000_000, 2));
        assertEquals(8L << 20, TextRecordReader.maxSplitBytes(1_100_000, 2), "a small input stays one split");
        assertEquals(25_000_000, TextRecordReader.maxSplitBytes(100_000_000, 2));
        assertEquals(2_500_000_000L, TextRecordReader.maxSplitBytes(80_000_000_000L, 16));
    }

    /** Through Spark: a .bz2 dump split into several tasks gives the uncompressed dump's documents. */
    @Test
    void aBzip2DumpIsReadByManyTasks() throws IOException {
        List<Page> pages = pages(new Random(6), 400, 40);
        byte[] xml = dump(pages, true).getBytes(StandardCharsets.UTF_8);
        Path plain = Files.write(Files.createDirectories(tmp.resolve("plain")).resolve("dump.xml"), xml);
        Path bz2 = Files.write(Files.createDirectories(tmp.resolve("bz2")).resolve("dump.xml.bz2"), bzip2(xml));
        Configuration hadoop = LocalSpark.get().sparkContext().hadoopConfiguration();
        String key = "mapreduce.input.fileinputformat.split.maxsize";
        String before = hadoop.get(key);
        hadoop.setLong(key, Files.size(bz2) / 6);
        try {
            ReaderOptions options = DocumentReaderTest.options(ReaderOptions.Format.MEDIAWIKI);
            InputListing listing = InputListing.of(bz2.toString(), "preprocess.input", hadoop);
            JavaRDD<Document> docs = DocumentReader.read(LocalSpark.get(), bz2.toString(), listing, options);
            assertTrue(docs.getNumPartitions() >= 6, docs.getNumPartitions() + " partitions");
            List<String> fromBz2 = docs.map(d -> d.getOffset() + " " + d.getId() + " " + d.getText()).collect();
            List<String> fromPlain = DocumentReaderTest.read(plain.toString(), options).stream()
                    .map(d -> d.getOffset() + " " + d.getId() + " " + d.getText()).toList();
            assertEquals(pages.size(), fromPlain.size());
            assertEquals(fromPlain, fromBz2);
        } finally {
            if (before == null) {
                hadoop.unset(key);
            } else {
                hadoop.set(key, before);
            }
        }
    }
}
