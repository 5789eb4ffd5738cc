package dev.sparklm.preprocess.read;

import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.SplitCompressionInputStream;
import org.apache.hadoop.io.compress.SplittableCompressionCodec;

/**
 * One split of a .bz2 file as the stream of its blocks, which decides which lines are the
 * split's ({@link BoundedTextInputFormat}; {@link MediaWikiInputFormat} uses its bookkeeping of
 * blocks and decides its pages by its own delimiter). A split owns the lines that start in its
 * blocks, a block being the split's if its marker begins before the split's end (Hadoop's bzip2
 * stream skips to the first marker at or after the split's start, and says where it is by
 * {@code getPos()}: the first block's marker byte, then one past each later block's). The split
 * skips its first line (begun in the block before, or starting its first block: the split
 * before reads it), and reads lines while the stream is in its blocks, plus one more when the
 * line that took it into the next split's block ended with a lone CR as the last byte before
 * that block: the next split cannot know that CR ended a line, and skips the line after it as
 * its first. (Pages end with a delimiter of their own: the page reader decides when one more is
 * due and says so with {@link #oneMoreRecord}.)
 *
 * <p>Lines have no file offset here (a split cannot know how many bytes the blocks before it
 * decompress to): a line's key is its block's position times 2^26 plus its number in that
 * block, unique in the file (a block decompresses to at most about 46 MB, under 2^26 lines;
 * files under 2^37 bytes).
 */
final class Bzip2Split extends InputStream {
    private final SplitCompressionInputStream in;
    private long delivered;   // decompressed bytes handed out
    private long crossedAt = -1;   // index of the first byte of the next split's first block
    private boolean crossedInLine;
    private boolean oneMore;   // the record after the split's end is this split's
    private boolean finished;
    private long block = -1;
    private long lineInBlock;

    private Bzip2Split(SplitCompressionInputStream in) {
        this.in = in;
    }

    /**
     * The split {@code [start, end)} of the .bz2 file {@code raw} is open on, or null (and
     * {@code raw} closed) when the split owns no block: its first marker begins at or after its
     * end, and the next split reads that block.
     */
    static Bzip2Split open(Path file, FSDataInputStream raw, SplittableCompressionCodec codec, long start, long end)
            throws IOException {
        if (start == 0) {
            WholeFileReader.checkBzip2Header(file, raw, codec);
        }
        SplitCompressionInputStream in = codec.createInputStream(raw, null, start, end, SplittableCompressionCodec.READ_MODE.BYBLOCK);
        if (start != 0 && in.getPos() >= end) {
            in.close();
            return null;
        }
        return new Bzip2Split(in);
    }

    /** The compressed position Hadoop's stream reports (see above). */
    long position() throws IOException {
        return in.getPos();
    }

    /** Whether the next record is this split's: the stream is in its blocks, or one more is due. */
    boolean nextRecordIsMine() throws IOException {
        if (finished) {
            return false;
        }
        if (in.getPos() > in.getAdjustedEnd()) {
            if (!oneMore) {
                return false;
            }
            finished = true;   // at most one record after the split's end
        }
        crossedInLine = false;
        return true;
    }

    /** The key of the next line if it is this split's, else -1. */
    long nextLineKey() throws IOException {
        if (!nextRecordIsMine()) {
            return -1;
        }
        if (in.getPos() != block) {
            block = in.getPos();
            lineInBlock = 0;
        }
        return (block << 26) + lineInBlock++;
    }

    /** The record after the split's end is this split's (the next split cannot see where it starts). */
    void oneMoreRecord() {
        oneMore = true;
    }

    /** Whether a record after the split's end is due and not read yet. */
    boolean oneMoreDue() {
        return !finished && oneMore;
    }

    /** Whether the record being read took the stream into the next split's first block. */
    boolean crossedInRecord() {
        return crossedInLine;
    }

    /** Index (in the bytes this stream handed out) of the next split's first block's first byte, or -1. */
    long crossedAt() {
        return crossedAt;
    }

    /** After a line (or the skipped first one) ended at {@code position}. */
    void lineEnded(long position) {
        if (crossedInLine && position == crossedAt) {
            oneMoreRecord();   // a lone CR just before the next split's block ended it
        }
        crossedInLine = false;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        boolean before = in.getPos() <= in.getAdjustedEnd();
        int n = in.read(b, off, len);
        if (before && in.getPos() > in.getAdjustedEnd()) {
            crossedAt = delivered;   // this read began the next split's first block
            crossedInLine = true;
        }
        delivered += Math.max(0, n);
        return n;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n <= 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
