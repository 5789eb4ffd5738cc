package dev.sparklm.preprocess.read;

import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.SplittableCompressionCodec;
import org.apache.hadoop.mapreduce.InputSplit;
import org.apache.hadoop.mapreduce.JobContext;
import org.apache.hadoop.mapreduce.RecordReader;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormat;
import org.apache.hadoop.mapreduce.lib.input.FileSplit;

/**
 * Lines, or paragraphs (runs of non-empty lines between empty ones), with their byte offsets, in
 * place of Hadoop's TextInputFormat, for two things it cannot do:
 * <ul>
 * <li>a record keeps at most {@code max-record-bytes + 1} bytes however long it is, and the
 *     reader goes on to the next one: Hadoop's line reader buffers a whole line first (a
 *     multi-GB line is an out-of-memory task; past 2 GB it throws), and its maximum line
 *     length skips long lines without a trace. Here the too-long record reaches the job, which
 *     quarantines it with file and offset;</li>
 * <li>paragraphs end at an empty line whatever the line breaks (LF, CRLF or CR): the
 *     {@code "\n\n"} record delimiter that blank-line input used never matched CRLF files.</li>
 * </ul>
 * Uncompressed files are split; a split reads the records that start in {@code [start, end)},
 * finishing the last one past {@code end}. A .bz2 file of lines is split at bzip2 blocks
 * ({@link Bzip2Split}); other compressed files, and .bz2 blank-line files (whose splits cannot
 * see whether the line before their first is empty), are read whole by one task.
 */
public final class BoundedTextInputFormat extends FileInputFormat<LongWritable, Text> {
    /** Bytes a record keeps (one more marks it as too long). */
    public static final String MAX_RECORD_BYTES = "sparklm.reader.max-record-bytes";
    /** true: paragraphs; false: lines. */
    public static final String PARAGRAPHS = "sparklm.reader.paragraphs";

    @Override
    protected boolean isSplitable(JobContext context, Path file) {
        CompressionCodec codec = WholeFileReader.codecOf(file);
        return codec == null || codec instanceof SplittableCompressionCodec && !context.getConfiguration().getBoolean(PARAGRAPHS, false);
    }

    @Override
    public RecordReader<LongWritable, Text> createRecordReader(InputSplit split, TaskAttemptContext context) {
        return new Reader();
    }

    static final class Reader extends SplitRecordReader {
        private static final byte[] NEWLINE = {'\n'};
        private final Text line = new Text();
        private LineScanner lines;
        private long start;
        private long end;
        private int keep;
        private boolean paragraphs;
        private boolean previousEmpty = true;   // the line before the next one is empty (or there is none)
        private Bzip2Split blocks;   // a .bz2 file's split, else null

        @Override
        public void initialize(InputSplit genericSplit, TaskAttemptContext context) throws IOException {
            FileSplit split = (FileSplit) genericSplit;
            Configuration conf = context.getConfiguration();
            keep = recordLimit(conf);
            paragraphs = conf.getBoolean(PARAGRAPHS, false);
            Path file = split.getPath();
            FSDataInputStream in;
            try {
                in = WholeFileReader.openFile(file, conf);
            } catch (IOException | RuntimeException e) {
                // Thrown from the first read instead, where the caller quarantines the split's
                // records at its start: one file that cannot be opened must not fail the job.
                unreadable("cannot open", file, e);
                return;
            }
            try {
                seekFirstRecord(split, in);
            } catch (IOException | RuntimeException e) {
                // A compressed file whose header is not its codec's ("not a gzip file"), or a read
                // error: reported by the first read as well, so the split is quarantined.
                in.close();
                lines = null;
                unreadable("cannot read", file, e);
            }
        }

        /** Positions {@link #lines} at the split's first record (or leaves it null if none starts in it). */
        private void seekFirstRecord(FileSplit split, FSDataInputStream in) throws IOException {
            Path file = split.getPath();
            CompressionCodec codec = WholeFileReader.codecOf(file);
            if (codec instanceof SplittableCompressionCodec splittable && !paragraphs) {
                blocks = Bzip2Split.open(file, in, splittable, split.getStart(), split.getStart() + split.getLength());
                if (blocks == null) {
                    return;
                }
                lines = new LineScanner(blocks, 0);
                if (split.getStart() == 0) {
                    lines.skipByteOrderMark();
                } else {
                    lines.skipLine(Long.MAX_VALUE);   // the rest of a line the split before reads
                    blocks.lineEnded(lines.position());
                }
                return;
            }
            if (codec != null) {
                start = 0;
                end = Long.MAX_VALUE;
                lines = new LineScanner(WholeFileReader.decompressed(file, in, codec), 0);
                lines.skipByteOrderMark();
                return;
            }
            start = split.getStart();
            end = start + split.getLength();
            if (start == 0) {
                lines = new LineScanner(in, 0);
                lines.skipByteOrderMark();
                // The first line starts at 0 even after a mark: this split reads it, however small.
                end = Math.max(end, lines.position() + 1);
                return;
            }
            // The line that holds byte start - 1 belongs to the split before (it ends there or
            // goes on past start): skip it. If it runs past end, no record starts here.
            in.seek(start - 1);
            lines = new LineScanner(in, start - 1);
            if (!lines.skipLine(end)) {
                lines.close();
                lines = null;
                return;
            }
            if (paragraphs) {
                previousEmpty = lineBeforeIsEmpty(in, lines.position());
            }
        }

        /**
         * Whether the line that ends where {@code p} starts is empty, from the 5 bytes before p
         * (a file's first line is empty when only a byte order mark precedes its break).
         */
        private static boolean lineBeforeIsEmpty(FSDataInputStream in, long p) throws IOException {
            byte[] b = new byte[5];
            int n = (int) Math.min(5, p);
            in.readFully(p - n, b, 5 - n, n);   // positional: the stream's position is unchanged
            int terminator = n >= 2 && b[4] == '\n' && b[3] == '\r' ? 2 : 1;
            long lineEnd = p - terminator;
            if (lineEnd == 0) {
                return true;
            }
            int last = 5 - terminator - 1;   // index of the line's last byte in b
            if (lineEnd == 3 && b[last - 2] == (byte) 0xEF && b[last - 1] == (byte) 0xBB && b[last] == (byte) 0xBF) {
                return true;
            }
            return b[last] == '\n' || b[last] == '\r';
        }

        @Override
        public boolean nextKeyValue() throws IOException {
            throwIfUnreadable();
            if (lines == null) {
                return false;
            }
            if (blocks != null) {
                long at = blocks.nextLineKey();
                if (at < 0 || !lines.readLine(line, keep)) {
                    return false;
                }
                blocks.lineEnded(lines.position());
                key.set(at);
                value.set(line);
                return true;
            }
            while (true) {
                long lineStart = lines.position();
                if (lineStart >= end || !lines.readLine(line, keep)) {
                    return false;
                }
                if (!paragraphs) {
                    key.set(lineStart);
                    value.set(line);
                    return true;
                }
                boolean empty = line.getLength() == 0 && !lines.truncated();
                boolean startsParagraph = !empty && previousEmpty;
                previousEmpty = empty;
                if (startsParagraph) {
                    readParagraph(lineStart);
                    return true;
                }
            }
        }

        /** The paragraph whose first line is in {@code line}: its lines up to an empty one, joined by "\n". */
        private void readParagraph(long firstLineStart) throws IOException {
            key.set(firstLineStart);
            value.set(line);
            while (lines.readLine(line, keep)) {
                if (line.getLength() == 0 && !lines.truncated()) {
                    previousEmpty = true;
                    return;
                }
                if (value.getLength() < keep) {
                    value.append(NEWLINE, 0, 1);
                    value.append(line.getBytes(), 0, Math.min(line.getLength(), keep - value.getLength()));
                }
            }
            previousEmpty = true;   // end of the file
        }

        @Override
        public float getProgress() {
            if (lines == null || blocks != null || end == Long.MAX_VALUE || end == start) {
                return 0;
            }
            return Math.min(1f, (lines.position() - start) / (float) (end - start));
        }

        @Override
        public void close() throws IOException {
            if (lines != null) {
                lines.close();
            }
        }
    }

    /**
     * Lines of a stream ended by LF, CRLF or CR, each stored up to a limit while all its bytes
     * are consumed, with the file offset of the next line.
     */
    static final class LineScanner {
        private final InputStream in;
        private final byte[] buf = new byte[64 * 1024];
        private int length;
        private int next;
        private long position;   // file offset of buf[next]
        private boolean truncated;
        private boolean eof;

        LineScanner(InputStream in, long position) {
            this.in = in;
            this.position = position;
        }

        long position() {
            return position;
        }

        /** Whether the last line read had more bytes than were stored. */
        boolean truncated() {
            return truncated;
        }

        /**
         * At the start of a file: consumes a UTF-8 byte order mark, which marks the encoding and
         * is not text (a JSON line that starts with one is malformed JSON to the parser).
         */
        void skipByteOrderMark() throws IOException {
            while (length - next < 3 && !eof) {   // a read may return fewer than the mark's 3 bytes
                int r = in.read(buf, length, buf.length - length);
                if (r <= 0) {
                    eof = true;
                } else {
                    length += r;
                }
            }
            if (length - next >= 3 && buf[next] == (byte) 0xEF && buf[next + 1] == (byte) 0xBB && buf[next + 2] == (byte) 0xBF) {
                next += 3;
                position += 3;
            }
        }

        private boolean fill() throws IOException {
            if (eof) {
                return false;
            }
            length = in.read(buf);
            next = 0;
            if (length <= 0) {
                length = 0;
                eof = true;
                return false;
            }
            return true;
        }

        /**
         * Reads the next line into {@code out} (at most {@code keep} bytes, terminator left out);
         * false at the end of the stream with nothing read.
         */
        boolean readLine(Text out, int keep) throws IOException {
            out.clear();
            truncated = false;
            boolean any = false;
            while (true) {
                if (next == length && !fill()) {
                    return any;
                }
                any = true;
                int from = next;
                while (next < length && buf[next] != '\n' && buf[next] != '\r') {
                    next++;
                }
                int n = next - from;
                int room = keep - out.getLength();
                if (room > 0) {
                    out.append(buf, from, Math.min(n, room));
                }
                truncated |= n > room;
                position += n;
                if (next < length) {
                    consumeTerminator();
                    return true;
                }
            }
        }

        /** Consumes the rest of the current line; false if it did not end before {@code limit}. */
        boolean skipLine(long limit) throws IOException {
            while (position < limit) {
                if (next == length && !fill()) {
                    return false;
                }
                if (buf[next] == '\n' || buf[next] == '\r') {
                    consumeTerminator();
                    return true;
                }
                next++;
                position++;
            }
            return false;
        }

        /** Consumes the line break at {@code next}: LF, CR, or CR LF (even across a refill). */
        private void consumeTerminator() throws IOException {
            byte terminator = buf[next++];
            position++;
            if (terminator == '\r' && (next < length || fill()) && buf[next] == '\n') {
                next++;
                position++;
            }
        }

        void close() throws IOException {
            in.close();
        }
    }
}
