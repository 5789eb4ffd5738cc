package dev.sparklm.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Small whole-file reads and writes through the Hadoop FileSystem API (any URI scheme). */
public final class HadoopFiles {
    private HadoopFiles() {}

    public static FileSystem fs(Path path, Configuration conf) {
        try {
            return path.getFileSystem(conf);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the file system of " + path, e);
        }
    }

    public static String readString(Path path, Configuration conf) {
        try (InputStream in = fs(path, conf).open(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes a whole file atomically: to a hidden temporary sibling, then a rename, so a reader
     * never sees half a file and a crash leaves the previous content.
     */
    public static void writeStringAtomically(Path path, String content, Configuration conf) {
        writeBytesAtomically(path, content.getBytes(StandardCharsets.UTF_8), conf);
    }

    public static void writeBytesAtomically(Path path, byte[] content, Configuration conf) {
        FileSystem fs = fs(path, conf);
        Path tmp = new Path(path.getParent(), "." + path.getName() + ".tmp-" + System.nanoTime());
        try {
            try (OutputStream out = fs.create(tmp, true)) {
                out.write(content);
            }
            if (fs.exists(path) && !fs.delete(path, false)) {
                throw new IOException("cannot replace " + path);
            }
            if (!fs.rename(tmp, path)) {
                throw new IOException("cannot rename " + tmp + " to " + path);
            }
        } catch (IOException e) {
            deleteQuietly(fs, tmp);
            throw new UncheckedIOException("cannot write " + path + ": " + e.getMessage(), e);
        }
    }

    static void deleteQuietly(FileSystem fs, Path path) {
        try {
            fs.delete(path, true);
        } catch (IOException ignored) {
            // best effort: a leftover hidden temporary is harmless
        }
    }
}
