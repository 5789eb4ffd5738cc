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

    /**
     * Reads a whole file. If a crash interrupted {@link #replace} between moving the previous
     * version aside and renaming the new one in, the previous version (the only complete one)
     * is read from its aside name.
     */
    public static String readString(Path path, Configuration conf) {
        FileSystem fs = fs(path, conf);
        try {
            try (InputStream in = fs.open(readable(fs, path))) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (org.apache.hadoop.fs.ChecksumException e) {
            // Hadoop's local file system keeps a .name.crc beside each file it writes.
            throw new JobConfigException(path + " does not match its checksum file ." + path.getName() + ".crc: it "
                    + "changed after it was written (a disk error, or an edit; to keep an edit, delete the .crc file)");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@code path}, or its previous version's aside name if an interrupted {@link #replace} left
     * only that: where a reader finds the complete version. Readers never rename; the next
     * writer does ({@link #replace} of a file, a new {@link StagedOutputDirectory} of an output).
     */
    public static Path readable(FileSystem fs, Path path) throws IOException {
        return !fs.exists(path) && fs.exists(asideOf(path)) ? asideOf(path) : path;
    }

    /**
     * Writes a whole file atomically: to a hidden temporary sibling, then {@link #replace}, so a
     * reader never sees half a file and a crash at any point leaves a complete version.
     */
    public static void writeStringAtomically(Path path, String content, Configuration conf) {
        writeBytesAtomically(path, content.getBytes(StandardCharsets.UTF_8), conf);
    }

    public static void writeBytesAtomically(Path path, byte[] content, Configuration conf) {
        writeBytesAtomically(fs(path, conf), path, content);
    }

    static void writeBytesAtomically(FileSystem fs, Path path, byte[] content) {
        Path tmp = new Path(path.getParent(), "." + path.getName() + ".tmp-" + System.nanoTime());
        try {
            try (OutputStream out = fs.create(tmp, true)) {
                out.write(content);
            }
            replace(fs, tmp, path);
        } catch (IOException e) {
            deleteQuietly(fs, tmp);
            throw new UncheckedIOException("cannot write " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Puts a complete new version ({@code fresh}, a file or a directory) at {@code target} without
     * a moment at which no complete version exists: the previous version is renamed aside
     * ({@link #asideOf}), the new one renamed in, and only then the aside copy deleted. A crash
     * between the two renames leaves the previous version at its aside name, which readers
     * ({@link #readString}) and the next replace recognise. Hadoop's rename does not overwrite,
     * so "delete, then rename" would be the only one-step alternative, and a crash between those
     * two loses both versions.
     */
    public static void replace(FileSystem fs, Path fresh, Path target) throws IOException {
        Path aside = asideOf(target);
        boolean hadTarget = fs.exists(target);
        if (hadTarget) {
            // The target is complete, so an aside copy from an earlier interrupted replace is stale.
            if (fs.exists(aside) && !fs.delete(aside, true)) {
                throw new IOException("cannot remove the stale " + aside);
            }
            if (!fs.rename(target, aside)) {
                throw new IOException("cannot move " + target + " aside to " + aside);
            }
        }
        IOException failed = null;
        try {
            if (!fs.rename(fresh, target)) {
                failed = new IOException("cannot rename " + fresh + " to " + target);
            }
        } catch (IOException e) {
            failed = e;
        }
        if (failed != null) {
            if (hadTarget && !fs.exists(target)) {
                fs.rename(aside, target);   // the previous version stays the current one
            }
            throw failed;
        }
        // Also removes the aside copy an interrupted earlier replace left when the target was missing.
        if (fs.exists(aside) && !fs.delete(aside, true)) {
            throw new IOException("cannot remove " + aside + " after replacing " + target);
        }
    }

    /**
     * Renames the previous version back into place if an interrupted {@link #replace} left the
     * target missing; returns whether it did.
     */
    public static boolean recover(FileSystem fs, Path target) throws IOException {
        Path aside = asideOf(target);
        if (!fs.exists(target) && fs.exists(aside)) {
            if (!fs.rename(aside, target)) {
                throw new IOException("cannot restore " + target + " from " + aside);
            }
            return true;
        }
        return false;
    }

    /** Where {@link #replace} keeps the previous version of {@code target} while it swaps. */
    public static Path asideOf(Path target) {
        return new Path(target.getParent(), "." + target.getName() + ".previous");
    }

    public static void deleteQuietly(FileSystem fs, Path path) {
        try {
            fs.delete(path, true);
        } catch (IOException ignored) {
            // best effort: a leftover hidden temporary is harmless
        }
    }
}
