package dev.sparklm.train;

import dev.sparklm.io.HadoopFiles;
import dev.sparklm.io.JobConfigException;
import dev.sparklm.shards.ShardManifest;
import dev.sparklm.tokenizer.Tokenizer;
import dev.sparklm.tokenizer.TokenizerJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.input_file_name;

/**
 * The preprocessing job's output as the training job sees it: the manifest, the tokenizer it
 * names (checked against the manifest's fingerprint), and each split's windows as an RDD read
 * by the executors.
 */
public final class ShardedCorpus {
    private final Path dir;
    private final ShardManifest manifest;
    private final Tokenizer tokenizer;

    private ShardedCorpus(Path dir, ShardManifest manifest, Tokenizer tokenizer) {
        this.dir = dir;
        this.manifest = manifest;
        this.tokenizer = tokenizer;
    }

    public static ShardedCorpus open(String data, Configuration conf) {
        Path dir;
        Path manifestPath;
        try {
            // A preprocessing run killed while publishing leaves the previous output aside.
            dir = HadoopFiles.readable(HadoopFiles.fs(new Path(data), conf), new Path(data));
            manifestPath = new Path(dir, ShardManifest.FILE_NAME);
            if (!manifestPath.getFileSystem(conf).exists(manifestPath)) {
                throw new JobConfigException("no " + ShardManifest.FILE_NAME + " in " + data
                        + ": not a preprocessing output (run the preprocessing job first, or point train.data / --data at its output)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + data + ": " + e.getMessage(), e);
        }
        ShardManifest manifest = ShardManifest.fromJson(HadoopFiles.readString(manifestPath, conf), manifestPath.toString());
        Path tokenizerPath = new Path(dir, manifest.tokenizer().file());
        try {
            if (!tokenizerPath.getFileSystem(conf).exists(tokenizerPath)) {
                throw new JobConfigException(tokenizerPath + " is missing: " + manifestPath + " names it as the shards' "
                        + "tokenizer (train.data is incomplete: preprocess again)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + tokenizerPath + ": " + e.getMessage(), e);
        }
        Tokenizer tokenizer = TokenizerJson.read(HadoopFiles.readString(tokenizerPath, conf), tokenizerPath.toString());
        if (!tokenizer.fingerprint().equals(manifest.tokenizer().fingerprint())) {
            throw new IllegalArgumentException(tokenizerPath + " is not the tokenizer the shards were made with: fingerprint "
                    + tokenizer.fingerprint() + ", manifest says " + manifest.tokenizer().fingerprint());
        }
        return new ShardedCorpus(dir, manifest, tokenizer);
    }

    public ShardManifest manifest() {
        return manifest;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public int context() {
        return manifest.context();
    }

    /**
     * The split's windows, read from Parquet on the executors: exactly the shard files the
     * manifest lists, so a stray file in the directory can never join the training data.
     */
    public JavaRDD<int[]> windows(SparkSession spark, String split) {
        String[] files = shardFiles(split).stream().map(Path::toString).toArray(String[]::new);
        if (files.length == 0) {
            throw new IllegalArgumentException("the manifest in " + dir + " lists no shard files for '" + split + "'");
        }
        int length = manifest.sequenceLength();
        int vocab = tokenizer.vocabSize();
        return spark.read().parquet(files).select(col(ShardManifest.COLUMN), input_file_name()).javaRDD()
                .map(row -> toIds(row, length, vocab));
    }

    /** A row's ids, checked against the manifest: a bad shard is named, never trained on. */
    static int[] toIds(Row row, int expectedLength, int vocab) {
        List<Integer> list = row.getList(0);
        int[] ids = new int[list.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = list.get(i);
        }
        return checked(ids, row.getString(1), expectedLength, vocab);
    }

    static int[] checked(int[] ids, String file, int expectedLength, int vocab) {
        if (ids.length != expectedLength) {
            throw new IllegalArgumentException(file + ": a row of " + ids.length
                    + " ids where the manifest says " + expectedLength);
        }
        for (int id : ids) {
            if (id < 0 || id >= vocab) {
                throw new IllegalArgumentException(file + ": token id " + id
                        + " outside the vocabulary of " + vocab + " ids of the manifest's tokenizer");
            }
        }
        return ids;
    }

    /**
     * The split's first {@code n} windows, the shard files in the manifest's order, read in this
     * JVM with parquet-hadoop and checked as {@link #windows} checks them: a report of a few
     * thousand windows need not start Spark (which orders a split's files by size, not name).
     */
    public List<int[]> firstWindows(String split, int n, Configuration conf) {
        int length = manifest.sequenceLength();
        int vocab = tokenizer.vocabSize();
        List<int[]> out = new ArrayList<>();
        for (Path file : shardFiles(split)) {
            try {
                ParquetRows.forEachRow(List.of(file), conf, () -> out.size() < n, g -> {
                    // <ids> (LIST) { repeated group list { required int32 element; } }
                    Group list = g.getGroup(g.getType().getFieldIndex(ShardManifest.COLUMN), 0);
                    int[] ids = new int[list.getFieldRepetitionCount(0)];
                    for (int i = 0; i < ids.length; i++) {
                        ids[i] = list.getGroup(0, i).getInteger(0, 0);
                    }
                    out.add(checked(ids, file.toString(), length, vocab));
                });
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** The split's shard files, as the manifest lists them. */
    private List<Path> shardFiles(String split) {
        ShardManifest.SplitInfo info = manifest.split(split);
        Path splitDir = new Path(dir, info.path());
        return info.files().stream().map(f -> new Path(splitDir, f)).toList();
    }

    /**
     * Counts the split's windows, which reads every shard and checks every id, and stops if the
     * count is not the manifest's (a shard replaced or truncated after preprocessing).
     */
    public long checkedCount(JavaRDD<int[]> windows, String split) {
        long counted = windows.count();
        long expected = manifest.split(split).sequences();
        if (counted != expected) {
            throw new JobConfigException(new Path(dir, ShardManifest.FILE_NAME) + ": the '" + split + "' shards hold "
                    + counted + " sequences, the manifest says " + expected);
        }
        return counted;
    }

    /** Stops before any work if a split the job needs holds no sequences. */
    public void requireSequences(String... splits) {
        for (String split : splits) {
            ShardManifest.SplitInfo info = manifest.split(split);
            if (info.sequences() == 0) {
                throw new JobConfigException(new Path(dir, ShardManifest.FILE_NAME) + ": the '" + split + "' split has no "
                        + "sequences of " + manifest.sequenceLength() + " ids (a larger corpus, or a smaller "
                        + "preprocess.context)");
            }
        }
    }


    /** UTF-8 bytes of the text the windows' targets stand for: the denominator of bits per byte. */
    public long targetBytes(org.apache.spark.api.java.JavaSparkContext sc, JavaRDD<int[]> windows) {
        var shared = sc.broadcast(tokenizer);
        try {
            return windows.map(w -> shared.value().textBytes(w, 1, w.length)).reduce(Long::sum);
        } finally {
            shared.unpersist(false);
        }
    }
}
