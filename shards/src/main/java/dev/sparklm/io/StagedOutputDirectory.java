package dev.sparklm.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A job's output directory, written in a hidden staging sibling and swapped into place only
 * when the job succeeds: a failed run leaves the previous output untouched, a rerun replaces it
 * whole. The swap is two renames (old out of the way, staging in); a crash between them leaves
 * the old output under {@code .<name>.old-*}, never a mix of two runs.
 */
public final class StagedOutputDirectory {
    private final Path target;
    private final Path staging;
    private final FileSystem fs;

    public StagedOutputDirectory(Path target, Configuration conf) {
        this.fs = HadoopFiles.fs(target, conf);
        this.target = fs.makeQualified(target);
        this.staging = new Path(this.target.getParent(), "." + this.target.getName() + ".staging-" + System.currentTimeMillis());
    }

    /** Where the job writes; empty when the job starts. */
    public Path staging() {
        return staging;
    }

    public Path target() {
        return target;
    }

    /** Moves the staged output into place, replacing any previous output. */
    public void publish() {
        Path old = new Path(target.getParent(), "." + target.getName() + ".old-" + System.currentTimeMillis());
        try {
            boolean hadOld = fs.exists(target);
            if (hadOld && !fs.rename(target, old)) {
                throw new IOException("cannot move the previous output " + target + " aside");
            }
            if (!fs.rename(staging, target)) {
                if (hadOld) {
                    fs.rename(old, target);
                }
                throw new IOException("cannot rename " + staging + " to " + target);
            }
            if (hadOld) {
                fs.delete(old, true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot publish the output " + target + ": " + e.getMessage(), e);
        }
    }

    /** Deletes the staging directory after a failure; the previous output stays as it was. */
    public void abort() {
        HadoopFiles.deleteQuietly(fs, staging);
    }
}
