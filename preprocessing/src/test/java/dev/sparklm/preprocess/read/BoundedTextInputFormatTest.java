package dev.sparklm.preprocess.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.TaskAttemptID;
import org.apache.hadoop.mapreduce.lib.input.FileSplit;
import org.apache.hadoop.mapreduce.task.TaskAttemptContextImpl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BoundedTextInputFormatTest {
    @TempDir
    Path tmp;

    static final Configuration HADOOP = new Configuration();

    record Rec(long offset, String text) {}

    /**
     * A split whose file cannot be opened (gone since it was listed) reports it on its first
     * read, naming the file, so the caller can quarantine that split and read the rest; opening
     * failed the task, and with it the job.
     */
    @Test
    void aFileThatCannotBeOpenedFailsItsFirstReadNamingTheFile() throws Exception {
        org.apache.hadoop.fs.Path gone = new org.apache.hadoop.fs.Path(tmp.resolve("gone.txt").toUri());
        TaskAttemptContextImpl context = new TaskAttemptContextImpl(HADOOP, new TaskAttemptID());
        try (BoundedTextInputFormat.Reader r = new BoundedTextInputFormat.Reader()) {
            r.initialize(new FileSplit(gone, 100, 50, null), context);
            IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, r::nextKeyValue);
            assertTrue(e.getMessage().contains("gone.txt"), e.getMessage());
            assertTrue(!r.nextKeyValue(), "reported once; then no records");
        }
    }

    /**
     * Random files of LF, CRLF and CR lines with runs of empty lines, read in splits of 1, 2, 5
     * and 16 bytes and in one split: the records, offsets and (truncated) texts are the ones the definition gives,
     * each exactly once, whatever the splits. Every fourth file starts with a UTF-8 byte order
     * mark, which no record holds (the first record's offset is 3).
     */
    @Test
    void everyRecordOnceWithItsOffsetWhateverTheSplitsAndLineBreaks() throws IOException {
        Random random = new Random(5);
        String[] breaks = {"\n", "\r\n", "\r"};
        int checked = 0;
        for (int t = 0; t < 80; t++) {
            StringBuilder b = new StringBuilder();
            for (int k = random.nextInt(30); k > 0; k--) {
                int kind = random.nextInt(10);
                if (kind > 2) {
                    for (int c = random.nextInt(12); c > 0; c--) {
                        b.append((char) ('a' + random.nextInt(5)));
                    }
                }
                b.append(breaks[random.nextInt(t % 3 == 0 ? 1 : 3)]);
            }
            if (random.nextBoolean()) {
                b.append("tail");
            }
            String text = b.toString();
            int mark = t % 4 == 1 ? 3 : 0;
            Path file = Files.writeString(tmp.resolve("t" + t + ".txt"), (mark > 0 ? "\uFEFF" : "") + text);
            long max = random.nextBoolean() ? 1 << 20 : 1 + random.nextInt(8);
            for (boolean paragraphs : new boolean[] {false, true}) {
                List<Rec> expected = definition(text, paragraphs, (int) max + 1).stream()
                        .map(r -> new Rec(r.offset() + mark, r.text())).toList();
                for (int split : new int[] {1, 2, 5, 16, 1 << 20}) {
                    assertEquals(expected, read(file, text.length() + mark, split, paragraphs, max),
                            "paragraphs " + paragraphs + ", split " + split + ", max " + max + ": "
                                    + text.replace("\r", "\\r").replace("\n", "\\n"));
                    checked++;
                }
            }
        }
        assertTrue(checked == 800);
    }

    /** The records as the format defines them, from the whole text at once. */
    static List<Rec> definition(String text, boolean paragraphs, int keep) {
        List<Rec> lines = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            int s = i;
            while (i < text.length() && text.charAt(i) != '\n' && text.charAt(i) != '\r') {
                i++;
            }
            lines.add(new Rec(s, text.substring(s, i)));
            if (i < text.length()) {
                i += text.startsWith("\r\n", i) ? 2 : 1;
            }
        }
        List<Rec> out = new ArrayList<>();
        if (!paragraphs) {
            lines.forEach(l -> out.add(new Rec(l.offset(), cut(l.text(), keep))));
            return out;
        }
        for (int k = 0; k < lines.size(); k++) {
            if (lines.get(k).text().isEmpty()) {
                continue;
            }
            long offset = lines.get(k).offset();
            StringBuilder p = new StringBuilder(lines.get(k).text());
            while (k + 1 < lines.size() && !lines.get(k + 1).text().isEmpty()) {
                p.append('\n').append(lines.get(++k).text());
            }
            out.add(new Rec(offset, cut(p.toString(), keep)));
        }
        return out;
    }

    private static String cut(String s, int keep) {
        return s.length() > keep ? s.substring(0, keep) : s;
    }

    static List<Rec> read(Path file, long length, int splitSize, boolean paragraphs, long max) throws IOException {
        Configuration conf = new Configuration(HADOOP);   // a copy: a new one parses Hadoop's XML files again
        conf.setBoolean(BoundedTextInputFormat.PARAGRAPHS, paragraphs);
        conf.setLong(BoundedTextInputFormat.MAX_RECORD_BYTES, max);
        List<Rec> out = new ArrayList<>();
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(file.toUri());
        TaskAttemptContextImpl context = new TaskAttemptContextImpl(conf, new TaskAttemptID());
        for (long start = 0; start < Math.max(1, length); start += splitSize) {
            try (BoundedTextInputFormat.Reader r = new BoundedTextInputFormat.Reader()) {
                r.initialize(new FileSplit(path, start, Math.min(splitSize, length - start), null), context);
                while (r.nextKeyValue()) {
                    LongWritable k = r.getCurrentKey();
                    Text v = r.getCurrentValue();
                    out.add(new Rec(k.get(), new String(v.getBytes(), 0, v.getLength(), StandardCharsets.UTF_8)));
                }
            }
        }
        return out;
    }

    /**
     * A .bz2 file of lines, as bzip2 streams one after another (each stream end a block end),
     * cut at every kind of place: inside a line, before and after an LF, between the CR and LF of
     * a CRLF, and after a lone CR; read in splits of many sizes: every line once, in order (the
     * lines the definition gives for the uncompressed text), each with a key of its own.
     */
    @Test
    void everyLineOnceWhateverTheSplitsOfABzip2File() throws IOException {
        Random random = new Random(7);
        String[] breaks = {"\n", "\r\n", "\r"};
        StringBuilder b = new StringBuilder();
        while (b.length() < 400_000) {
            for (int c = random.nextInt(40); c > 0; c--) {
                b.append((char) ('a' + random.nextInt(20)));
            }
            b.append(breaks[random.nextInt(3)]);
        }
        String text = b.toString();
        java.io.ByteArrayOutputStream file = new java.io.ByteArrayOutputStream();
        int from = 0;
        int streams = 0;
        for (int at = 1; at < text.length(); at++) {
            boolean cut = switch (streams % 5) {
                case 0 -> text.charAt(at - 1) == '\r' && text.charAt(at) == '\n';   // inside a CRLF
                case 1 -> text.charAt(at - 1) == '\r' && text.charAt(at) != '\n';   // after a lone CR
                case 2 -> text.charAt(at - 1) == '\n';                               // after an LF
                case 3 -> text.charAt(at) == '\n';                                   // before an LF
                default -> true;                                                     // inside a line
            };
            if (cut && at - from > 2_000 + random.nextInt(6_000)) {
                file.writeBytes(MediaWikiInputFormatTest.bzip2(text.substring(from, at).getBytes(StandardCharsets.UTF_8)));
                from = at;
                streams++;
            }
        }
        file.writeBytes(MediaWikiInputFormatTest.bzip2(text.substring(from).getBytes(StandardCharsets.UTF_8)));
        assertTrue(streams > 50, streams + " streams");
        Path bz2 = Files.write(tmp.resolve("lines.txt.bz2"), file.toByteArray());
        List<String> expected = definition(text, false, 1 << 20).stream().map(Rec::text).toList();
        long size = Files.size(bz2);
        for (long split = 61; split <= size; split = split * 2 + 1) {
            List<Rec> got = read(bz2, size, (int) split, false, 1 << 20);
            assertEquals(expected, got.stream().map(Rec::text).toList(), "split size " + split + " of " + size);
            assertEquals(got.size(), got.stream().map(Rec::offset).distinct().count(), "keys unique, split size " + split);
        }
    }
}
