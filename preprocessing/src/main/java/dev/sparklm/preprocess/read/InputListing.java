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
 * @param sizes      their lengths in bytes, in the same order
 * @param emptyFiles files of 0 bytes (reported in the quarantine, never read)
 */
public record InputListing(List<String> paths, List<Long> sizes, List<String> emptyFiles, long bytes) {

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
            List<Long> sizes = new ArrayList<>();
            List<String> empty = new ArrayList<>();
            long[] bytes = {0};
            for (FileStatus m : matches) {
                walk(fs, m, paths, sizes, empty, bytes);
            }
            if (paths.isEmpty()) {
                throw new JobConfigException("input is empty: " + input + " (" + key + ") matched " + empty.size()
                        + " file(s) with no bytes");
            }
            return new InputListing(List.copyOf(paths), List.copyOf(sizes), List.copyOf(empty), bytes[0]);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list input " + input + " (" + key + "): " + e.getMessage(), e);
        }
    }

    private static void walk(FileSystem fs, FileStatus f, List<String> paths, List<Long> sizes, List<String> empty,
                             long[] bytes)
            throws IOException {
        if (isHidden(f.getPath())) {
            return;
        }
        if (f.isDirectory()) {
            FileStatus[] children = fs.listStatus(f.getPath());
            java.util.Arrays.sort(children);
            for (FileStatus c : children) {
                walk(fs, c, paths, sizes, empty, bytes);
            }
        } else if (f.getLen() == 0) {
            empty.add(f.getPath().toString());
        } else {
            paths.add(f.getPath().toString());
            sizes.add(f.getLen());
            bytes[0] += f.getLen();
        }
    }

    /**
     * The files dealt into {@code slices} groups of about equal bytes (largest file first, each
     * to the lightest group), each group in listing order. Equal counts of files put a
     * directory of large dictionaries in one task that ran long after the others had finished.
     */
    public List<List<String>> balancedSlices(int slices) {
        int n = Math.max(1, Math.min(slices, paths.size()));
        Integer[] bySize = new Integer[paths.size()];
        for (int i = 0; i < bySize.length; i++) {
            bySize[i] = i;
        }
        java.util.Arrays.sort(bySize, (a, b) -> Long.compare(sizes.get(b), sizes.get(a)));
        long[] load = new long[n];
        List<List<Integer>> groups = new ArrayList<>();
        // The lightest group on top, the first of equals: a scan of every group per file took
        // minutes for millions of files in tens of thousands of slices.
        java.util.PriorityQueue<Integer> lightest = new java.util.PriorityQueue<>(n,
                (a, b) -> load[a] != load[b] ? Long.compare(load[a], load[b]) : Integer.compare(a, b));
        for (int g = 0; g < n; g++) {
            groups.add(new ArrayList<>());
            lightest.add(g);
        }
        for (int i : bySize) {
            int g = lightest.poll();
            load[g] += sizes.get(i);
            groups.get(g).add(i);
            lightest.add(g);
        }
        List<List<String>> out = new ArrayList<>();
        for (List<Integer> g : groups) {
            g.sort(null);
            out.add(g.stream().map(paths::get).toList());
        }
        return out;
    }

    private static boolean isHidden(Path p) {
        return p.getName().startsWith(".") || p.getName().startsWith("_");
    }
}
