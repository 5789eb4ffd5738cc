package dev.sparklm.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job's output directory, written in a hidden staging sibling and swapped into place only
 * when the job succeeds: a failed or killed run leaves the previous output untouched, a rerun
 * replaces it whole. The swap is {@link HadoopFiles#replace} (previous output renamed aside,
 * staging renamed in, aside deleted), so a crash at any point leaves one complete output, never
 * a mix of two runs; the next run puts an output left aside back in place
 * and removes what killed runs left in staging.
 */
public final class StagedOutputDirectory {
    private static final Logger LOG = LoggerFactory.getLogger(StagedOutputDirectory.class);
    private final Path target;
    private final Path staging;
    private final FileSystem fs;

    /**
     * @param marker the file every complete output of the job holds (its manifest): an existing
     *               {@code target} without it is not an output of this job, and is refused rather
     *               than replaced (deleted) when the job succeeds
     * @param key    the configuration key that named {@code target}, for the refusal
     */
    public StagedOutputDirectory(Path target, String marker, String key, Configuration conf) {
        this.fs = HadoopFiles.fs(target, conf);
        this.target = fs.makeQualified(target);
        this.staging = new Path(this.target.getParent(), stagingPrefix(this.target) + System.currentTimeMillis());
        recover();
        refuseForeign(marker, key);
        try {
            FileStatus[] leftovers = fs.globStatus(new Path(this.target.getParent(), stagingPrefix(this.target) + "*"));
            for (FileStatus s : leftovers == null ? new FileStatus[0] : leftovers) {
                LOG.warn("removing {}, left by an earlier run of this job that did not finish", s.getPath());
                HadoopFiles.deleteQuietly(fs, s.getPath());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + this.target.getParent() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Puts the previous output back at {@code target} if a run was killed while publishing
     * (after moving it aside, before renaming its own output in). Only a new run does this;
     * readers meanwhile find the output at its aside name ({@link HadoopFiles#readable}).
     */
    private void recover() {
        try {
            if (HadoopFiles.recover(fs, target)) {
                LOG.warn("{} was missing, its previous version was left aside by a run killed while publishing: restored", target);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot recover " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * A regular file, or a directory holding anything but an earlier output (a typo for the
     * input, a home directory), would be deleted by {@link #publish}: refused before the job runs.
     */
    private void refuseForeign(String marker, String key) {
        try {
            FileStatus status;
            try {
                status = fs.getFileStatus(target);
            } catch (java.io.FileNotFoundException e) {
                return;
            }
            if (!status.isDirectory()) {
                throw new JobConfigException(key + " " + target + " is a file; the output is a directory, which the job "
                        + "would put in its place: give another path");
            }
            FileStatus[] children = fs.listStatus(target);
            if (children.length == 0 || fs.exists(new Path(target, marker))) {
                return;
            }
            StringBuilder some = new StringBuilder(children.length + (children.length == 1 ? " entry: " : " entries: "));
            for (int i = 0; i < Math.min(3, children.length); i++) {
                some.append(i == 0 ? "" : ", ").append(children[i].getPath().getName());
            }
            some.append(children.length > 3 ? ", ..." : "");
            throw new JobConfigException(key + " " + target + " is a directory that is not an output of this job (no "
                    + marker + "; it holds " + some + "); the job replaces its output whole, so give a new or empty "
                    + "directory, or remove this one");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + target + ": " + e.getMessage(), e);
        }
    }

    private static String stagingPrefix(Path target) {
        return "." + target.getName() + ".staging-";
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
        try {
            HadoopFiles.replace(fs, staging, target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot publish the output " + target + ": " + e.getMessage(), e);
        }
    }

    /** Deletes the staging directory after a failure; the previous output stays as it was. */
    public void abort() {
        HadoopFiles.deleteQuietly(fs, staging);
    }
}
