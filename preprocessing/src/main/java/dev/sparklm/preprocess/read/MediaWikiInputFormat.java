package dev.sparklm.preprocess.read;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.Seekable;
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
import org.apache.hadoop.mapreduce.lib.input.SplitLineReader;
import org.apache.hadoop.mapreduce.lib.input.UncompressedSplitLineReader;

/**
 * The pages of MediaWiki XML dumps, split across tasks: a record is what follows one
 * {@code <page>} tag up to the next (the page's XML without its opening tag; the last one also
 * holds the dump's closing tag). Uncompressed and .bz2 dumps are split, so Wikipedia's
 * single-file dump ({@code pages-articles.xml.bz2}, one file of 20+ GB) is read by as many tasks
 * as it has splits; other codecs (.gz) are read whole by one task.
 *
 * <p>"&lt;page&gt;" cannot occur in a dump but as that tag: the text inside a page is XML-escaped.
 * So the tag is a record delimiter, and Hadoop's split line readers, which take a delimiter of
 * any bytes, decide which split owns each page, at any byte of an uncompressed file and at bzip2
 * block boundaries (a split skips its first, partial, record, which the split before reads to
 * its end; for bzip2, {@link CompressedSplitReader}). Unlike Hadoop's line reader, a record longer
 * than the limit is returned cut to {@code limit + 1} bytes, for the caller to quarantine, instead
 * of being skipped with a log line; and a split's bytes are never buffered whole.
 *
 * <p>The key of a record is the byte offset of its {@code <page>} tag in an uncompressed file; in a
 * compressed one, the compressed position of the block being read (not unique: only a position
 * to show).
 */
public final class MediaWikiInputFormat extends FileInputFormat<LongWritable, Text> {
    static final byte[] PAGE = "<page>".getBytes(StandardCharsets.US_ASCII);

    @Override
    protected boolean isSplitable(JobContext context, Path file) {
        CompressionCodec codec = WholeFileReader.codecOf(file);
        return codec == null || codec instanceof SplittableCompressionCodec;
    }

    @Override
    public RecordReader<LongWritable, Text> createRecordReader(InputSplit split, TaskAttemptContext context) {
        return new Reader();
    }

    static final class Reader extends SplitRecordReader {
        private SplitLineReader in;
        private Bzip2Split blocks;   // a .bz2 file's split
        private Seekable compressedFile;   // a file of another codec, read whole
        private long start;
        private long end;
        private long pos;   // uncompressed: the file offset of the next record
        private int keep;
        private boolean header;   // the file's first record, before its first page, is still to skip

        @Override
        public void initialize(InputSplit genericSplit, TaskAttemptContext context) throws IOException {
            FileSplit split = (FileSplit) genericSplit;
            Configuration conf = context.getConfiguration();
            keep = recordLimit(conf);
            start = split.getStart();
            end = start + split.getLength();
            Path file = split.getPath();
            FSDataInputStream fileIn;
            try {
                fileIn = WholeFileReader.openFile(file, conf);
            } catch (IOException | RuntimeException e) {
                unreadable("cannot open", file, e);   // reported by the first read
                return;
            }
            CompressionCodec codec = WholeFileReader.codecOf(file);
            try {
                if (codec instanceof SplittableCompressionCodec splittable) {
                    blocks = Bzip2Split.open(file, fileIn, splittable, start, end);
                    if (blocks == null) {
                        return;
                    }
                    in = new CompressedSplitReader(blocks, conf);
                } else if (codec != null) {   // not splittable: this split is the whole file
                    in = new SplitLineReader(WholeFileReader.decompressed(file, fileIn, codec), conf, PAGE);
                    compressedFile = fileIn;
                    end = Long.MAX_VALUE;
                } else {
                    fileIn.seek(start);
                    in = new UncompressedSplitLineReader(fileIn, conf, PAGE, split.getLength());
                }
                // The record before the first tag this split sees belongs to the split before (the
                // rest of a page it started), or, at the file's start, is the dump's header.
                if (start != 0) {
                    start += in.readLine(new Text(), 0, Integer.MAX_VALUE);
                } else {
                    header = true;
                }
                pos = start;
            } catch (IOException | RuntimeException e) {
                // Not its codec's format ("not a gzip file"), a corrupt block, a read error:
                // reported by the first read, so that the split is quarantined, not the job failed.
                fileIn.close();
                in = null;
                unreadable("cannot read", file, e);
            }
        }

        /** Where the reader is: the uncompressed file's offset, else a compressed position. */
        private long position() throws IOException {
            return blocks != null ? blocks.position() : compressedFile != null ? compressedFile.getPos() : pos;
        }

        @Override
        public boolean nextKeyValue() throws IOException {
            throwIfUnreadable();
            if (in == null) {
                return false;
            }
            // A record starts in this split while the position is at most its end; and once more
            // after it when the split ended inside a delimiter (see CompressedSplitReader).
            while (position() <= end || in.needAdditionalRecordAfterSplit()) {
                long at = blocks != null || compressedFile != null ? position() : pos - PAGE.length;
                int n = in.readLine(value, keep, Integer.MAX_VALUE);
                pos += n;
                if (n == 0) {
                    return false;
                }
                if (header) {
                    header = false;
                    continue;
                }
                key.set(Math.max(0, at));
                return true;
            }
            return false;
        }

        @Override
        public float getProgress() throws IOException {
            if (in == null || end == Long.MAX_VALUE || end == start) {
                return 0;
            }
            return Math.min(1f, (position() - start) / (float) (end - start));
        }

        @Override
        public void close() throws IOException {
            if (in != null) {
                in.close();
            }
        }
    }

    /**
     * Pages of a bzip2 split, read as Hadoop's CompressedSplitLineReader reads records with a
     * custom delimiter, with two of its decisions made exactly (each gave pages twice):
     * <ul>
     * <li>The record after the split's end is read only if the record before it ended with a
     *     delimiter that began before the first byte of the next split's first block and ended in
     *     that block: the next split cannot see that delimiter and skips the record. Hadoop's
     *     reader reads it whenever any read of its buffer ended inside a partial match, anywhere in
     *     the split (a 4 kB read ending after a "&lt;" of any tag);</li>
     * <li>a split whose first block marker begins at its end byte owns no block (Hadoop's reader
     *     compares the first block's position with {@code <=}, later blocks' with {@code <}, so a
     *     block whose marker starts exactly at a split boundary was read by both splits).</li>
     * </ul>
     * {@link Bzip2Split} keeps the blocks' bookkeeping, as it does for .bz2 lines.
     */
    static final class CompressedSplitReader extends SplitLineReader {
        private final Bzip2Split blocks;
        private long consumed;    // bytes of the records read

        CompressedSplitReader(Bzip2Split blocks, Configuration conf) throws IOException {
            super(blocks, conf, PAGE);
            this.blocks = blocks;
        }

        @Override
        public int readLine(Text str, int maxLineLength, int maxBytesToConsume) throws IOException {
            if (!blocks.nextRecordIsMine()) {
                return 0;
            }
            int n = super.readLine(str, maxLineLength, maxBytesToConsume);
            consumed += n;
            long crossedAt = blocks.crossedAt();
            if (blocks.crossedInRecord() && consumed - PAGE.length < crossedAt && crossedAt < consumed) {
                blocks.oneMoreRecord();   // this record's delimiter straddles the boundary
            }
            return n;
        }

        @Override
        public boolean needAdditionalRecordAfterSplit() {
            return blocks.oneMoreDue();
        }
    }
}
