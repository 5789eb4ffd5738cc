package dev.sparklm.preprocess.read;

import dev.sparklm.io.JobConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The files an input path or glob matches, directories walked recursively, names starting with
 * "." or "_" skipped. Listed on the driver before any Spark work, so a wrong path fails at once
 * with the key to fix; the whole-file readers then hand the list to the executors. It uses plain
 * listStatus: on the local file system, LocatedFileStatus (listFiles) forks `ls` per file for
 * permissions, tens of seconds for a few thousand files.
 *
 * @param paths      every file with bytes, in listing order
 * @param emptyFiles files of 0 bytes (reported in the quarantine, never read)
 */
public record InputListing(List<String> paths, List<String> emptyFiles, long bytes) {

    public int files() {
        return paths.size() + emptyFiles.size();
    }

    public static InputListing of(String input, String key, Configuration conf) {
        Path path = new Path(input);
        try {
            FileSystem fs = path.getFileSystem(conf);
            FileStatus[] matches = fs.globStatus(path);
            if (matches == null || matches.length == 0) {
                throw new JobConfigException("input not found: " + input + " (" + key + ")");
            }
            List<String> paths = new ArrayList<>();
            List<String> empty = new ArrayList<>();
            long[] bytes = {0};
            for (FileStatus m : matches) {
                walk(fs, m, paths, empty, bytes);
            }
            if (paths.isEmpty()) {
                throw new JobConfigException("input is empty: " + input + " (" + key + ") matched " + empty.size()
                        + " file(s) with no bytes");
            }
            return new InputListing(List.copyOf(paths), List.copyOf(empty), bytes[0]);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list input " + input + " (" + key + "): " + e.getMessage(), e);
        }
    }

    private static void walk(FileSystem fs, FileStatus f, List<String> paths, List<String> empty, long[] bytes)
            throws IOException {
        if (isHidden(f.getPath())) {
            return;
        }
        if (f.isDirectory()) {
            FileStatus[] children = fs.listStatus(f.getPath());
            java.util.Arrays.sort(children);
            for (FileStatus c : children) {
                walk(fs, c, paths, empty, bytes);
            }
        } else if (f.getLen() == 0) {
            empty.add(f.getPath().toString());
        } else {
            paths.add(f.getPath().toString());
            bytes[0] += f.getLen();
        }
    }

    private static boolean isHidden(Path p) {
        return p.getName().startsWith(".") || p.getName().startsWith("_");
    }
}
