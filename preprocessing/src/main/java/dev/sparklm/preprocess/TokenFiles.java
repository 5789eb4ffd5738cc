package dev.sparklm.preprocess;

import dev.sparklm.shards.ShardManifest;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Iterator;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;

/**
 * A split's token stream as nanoGPT's flat file ({@code train.bin}, {@code val.bin}): every id
 * as a little-endian uint16, in packing order. The windows of a partition overlap by one id, so
 * the stream is the partition's first window followed by every later window without its first
 * id. Streamed to the driver one partition at a time ({@code toLocalIterator}), so the driver
 * holds one partition's windows, never the split.
 */
public final class TokenFiles {
    /** nanoGPT reads its files with numpy's uint16. */
    public static final int MAX_VOCAB = 1 << 16;

    private TokenFiles() {}

    /** nanoGPT's names: train.bin, val.bin, test.bin. */
    public static String fileName(String split) {
        return (split.equals(ShardManifest.VALIDATION) ? "val" : split) + ".bin";
    }

    /** @return the number of ids written */
    public static long write(JavaRDD<int[]> windows, Path file, int vocabSize, Configuration conf) {
        if (vocabSize > MAX_VOCAB) {
            throw new IllegalArgumentException("preprocess.export.token-files: a vocabulary of " + vocabSize
                    + " ids does not fit nanoGPT's uint16 files (at most " + MAX_VOCAB + ")");
        }
        JavaRDD<int[]> stream = windows.mapPartitions(TokenFiles::partitionStream);
        long written = 0;
        try (OutputStream out = new BufferedOutputStream(file.getFileSystem(conf).create(file, false), 1 << 20)) {
            byte[] buffer = new byte[0];
            for (Iterator<int[]> it = stream.toLocalIterator(); it.hasNext(); ) {
                int[] ids = it.next();
                if (buffer.length < 2 * ids.length) {
                    buffer = new byte[2 * ids.length];
                }
                for (int i = 0; i < ids.length; i++) {
                    buffer[2 * i] = (byte) ids[i];
                    buffer[2 * i + 1] = (byte) (ids[i] >>> 8);
                }
                out.write(buffer, 0, 2 * ids.length);
                written += ids.length;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
        return written;
    }

    /** A partition's windows as the ids they were cut from: the first whole, the others without their first id. */
    static Iterator<int[]> partitionStream(Iterator<int[]> windows) {
        return new Iterator<>() {
            private boolean first = true;

            @Override
            public boolean hasNext() {
                return windows.hasNext();
            }

            @Override
            public int[] next() {
                int[] w = windows.next();
                if (first) {
                    first = false;
                    return w;
                }
                return Arrays.copyOfRange(w, 1, w.length);
            }
        };
    }
}
