package dev.sparklm.preprocess.read;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.RecordReader;

/**
 * What the job's record readers share: an offset key, a bytes value, the record length limit, and
 * how a split whose file cannot be opened or read is reported. Not from {@code initialize}, where
 * an exception fails the task and with it the job, but from the first {@code nextKeyValue}, where
 * {@link TextRecordReader} quarantines the split's records as unreadable at the split's start and
 * the job goes on.
 */
abstract class SplitRecordReader extends RecordReader<LongWritable, Text> {
    final LongWritable key = new LongWritable();
    final Text value = new Text();
    private IOException unreadable;

    /**
     * Bytes a record keeps: {@link BoundedTextInputFormat#MAX_RECORD_BYTES} and one more, which
     * marks the record as too long for the caller to quarantine.
     */
    static int recordLimit(Configuration conf) {
        return (int) Math.min(Integer.MAX_VALUE - 64L, conf.getLong(BoundedTextInputFormat.MAX_RECORD_BYTES, 16L << 20) + 1);
    }

    /** Remembers why the split cannot be read ({@code what}: "cannot open", "cannot read"). */
    final void unreadable(String what, Path file, Exception e) {
        unreadable = new IOException(what + " " + file + ": " + e, e);
    }

    /** Throws the remembered failure, once. */
    final void throwIfUnreadable() throws IOException {
        if (unreadable != null) {
            IOException e = unreadable;
            unreadable = null;
            throw e;
        }
    }

    @Override
    public final LongWritable getCurrentKey() {
        return key;
    }

    @Override
    public final Text getCurrentValue() {
        return value;
    }
}
