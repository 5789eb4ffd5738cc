package dev.sparklm.preprocess.read;

import dev.sparklm.io.JobConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * What an input path or glob matched: checked on the driver before any Spark work, so a wrong
 * path fails at once with the key to fix.
 */
public record InputListing(int files, long bytes) {

    public static InputListing of(String input, String key, Configuration conf) {
        Path path = new Path(input);
        try {
            FileSystem fs = path.getFileSystem(conf);
            FileStatus[] matches = fs.globStatus(path);
            if (matches == null || matches.length == 0) {
                throw new JobConfigException("input not found: " + input + " (" + key + ")");
            }
            int files = 0;
            long bytes = 0;
            for (FileStatus m : matches) {
                if (m.isDirectory()) {
                    var it = fs.listFiles(m.getPath(), true);
                    while (it.hasNext()) {
                        var f = it.next();
                        if (!isHidden(f.getPath())) {
                            files++;
                            bytes += f.getLen();
                        }
                    }
                } else {
                    files++;
                    bytes += m.getLen();
                }
            }
            if (files == 0 || bytes == 0) {
                throw new JobConfigException("input is empty: " + input + " (" + key + ") matched " + files
                        + " file(s) with no bytes");
            }
            return new InputListing(files, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list input " + input + " (" + key + "): " + e.getMessage(), e);
        }
    }

    private static boolean isHidden(Path p) {
        return p.getName().startsWith(".") || p.getName().startsWith("_");
    }
}
