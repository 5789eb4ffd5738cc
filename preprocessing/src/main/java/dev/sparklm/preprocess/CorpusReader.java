package dev.sparklm.preprocess;

import dev.sparklm.io.JobConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.lib.input.TextInputFormat;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Reads raw documents from text files through Hadoop's input formats, so any URI, glob and
 * compression codec Hadoop knows works. Bytes that are not valid UTF-8 become U+FFFD.
 */
public final class CorpusReader {
    private CorpusReader() {}

    /** What a glob matched: checked before any Spark work so a wrong path fails at once. */
    public record InputListing(int files, long bytes) {}

    public static InputListing list(String input, Configuration conf) {
        Path path = new Path(input);
        try {
            FileSystem fs = path.getFileSystem(conf);
            FileStatus[] matches = fs.globStatus(path);
            if (matches == null || matches.length == 0) {
                throw new JobConfigException("input not found: " + input + " (preprocess.input)");
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
                throw new JobConfigException("input is empty: " + input + " matched " + files + " file(s) with no bytes");
            }
            return new InputListing(files, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list input " + input + ": " + e.getMessage(), e);
        }
    }

    private static boolean isHidden(Path p) {
        return p.getName().startsWith(".") || p.getName().startsWith("_");
    }

    public static JavaRDD<String> read(JavaSparkContext sc, String input, PreprocessConfig.InputFormat format) {
        return switch (format) {
            case LINE -> sc.textFile(input);
            case FILE -> sc.wholeTextFiles(input).values();
            case BLANK_LINE -> {
                // Hadoop's line reader with "\n\n" as the record delimiter splits large files
                // into blocks without loading a file whole; extra blank lines give blank records,
                // which normalization empties and the job drops.
                Configuration conf = new Configuration(sc.hadoopConfiguration());
                conf.set("textinputformat.record.delimiter", "\n\n");
                yield sc.newAPIHadoopFile(input, TextInputFormat.class, LongWritable.class, Text.class, conf)
                        .values()
                        .map(Text::toString);
            }
        };
    }
}
