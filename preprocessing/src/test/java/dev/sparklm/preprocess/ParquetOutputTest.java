package dev.sparklm.preprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparklm.io.LocalSpark;
import dev.sparklm.preprocess.ParquetOutput.Field;
import dev.sparklm.shards.ShardManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parquet written without Spark SQL reads back in Spark SQL as the job's consumers expect. */
class ParquetOutputTest {
    private static final java.util.concurrent.atomic.AtomicInteger INJECTED = new java.util.concurrent.atomic.AtomicInteger();

    @TempDir
    java.nio.file.Path tmp;

    static JavaSparkContext sc(SparkSession spark) {
        return JavaSparkContext.fromSparkContext(spark.sparkContext());
    }

    @Test
    void windowsReadBackAsTheShardsNonNullIntArrayColumn() throws IOException {
        SparkSession spark = LocalSpark.get();
        List<int[]> windows = List.of(new int[] {1, 2, 3}, new int[0], IntStream.range(0, 5000).toArray(),
                new int[] {Integer.MAX_VALUE, 0, -1}, new int[] {7});
        String dir = tmp.resolve("windows").toString();
        ParquetOutput.writeWindows(sc(spark).parallelize(windows, 3), new Path(dir), spark.sparkContext().hadoopConfiguration());

        // The file's schema is the one Spark SQL itself writes for a non-null array<int> column.
        String bySpark = tmp.resolve("spark").toString();
        spark.createDataFrame(List.of(org.apache.spark.sql.RowFactory.create((Object) new int[] {1})), new StructType()
                        .add(ShardManifest.COLUMN, DataTypes.createArrayType(DataTypes.IntegerType, false), false))
                .write().parquet(bySpark);
        assertEquals(footerSchema(bySpark), footerSchema(dir));
        assertEquals("struct<" + ShardManifest.COLUMN + ":array<int>>", spark.read().parquet(dir).schema().simpleString());
        List<String> read = spark.read().parquet(dir).collectAsList().stream()
                .map(r -> r.getList(0).toString()).sorted().toList();
        List<String> written = windows.stream().map(w -> Arrays.stream(w).boxed().toList().toString()).sorted().toList();
        assertEquals(written, read);
    }

    @Test
    void recordsKeepTheirStringsLongsAndNulls() {
        SparkSession spark = LocalSpark.get();
        List<Object[]> records = List.of(new Object[] {"a", 1L, null}, new Object[] {null, null, "é ☃ \n tab\t"},
                new Object[] {"", Long.MIN_VALUE, "x".repeat(10_000)});
        String dir = tmp.resolve("records").toString();
        ParquetOutput.writeRecords(sc(spark).parallelize(records, 2),
                ParquetOutput.recordSchema(List.of(Field.string("s"), Field.int64("n"), Field.string("t"))),
                new Path(dir), spark.sparkContext().hadoopConfiguration());

        assertEquals("struct<s:string,n:bigint,t:string>", spark.read().parquet(dir).schema().simpleString());
        List<String> read = spark.read().parquet(dir).collectAsList().stream().map(Row::toString).sorted().toList();
        List<String> written = records.stream().map(r -> org.apache.spark.sql.RowFactory.create(r).toString()).sorted().toList();
        assertEquals(written, read);
    }

    /**
     * A report's one partition does not carry its input's partitions: a whole-file reader's
     * partition lists its files, and a coalesced task held every list.
     */
    @Test
    void onePartitionDoesNotCarryTheInputsPartitions() throws IOException {
        List<String> bulky = IntStream.range(0, 16).mapToObj(i -> "p".repeat(200_000) + i).toList();
        JavaRDD<String> input = sc(LocalSpark.get()).parallelize(bulky, 16);
        org.apache.spark.Partition[] parts = ParquetOutput.onePartition(input.filter(s -> s.endsWith("3"))).rdd().partitions();
        assertEquals(1, parts.length);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(parts[0]);
        }
        assertTrue(bytes.size() < 10_000, "the partition is " + bytes.size() + " bytes");
        assertEquals(List.of(bulky.get(3), bulky.get(13)), ParquetOutput.onePartition(input.filter(s -> s.endsWith("3"))).collect());
    }

    @Test
    void anExistingDirectoryIsNotWrittenInto() throws IOException {
        SparkSession spark = LocalSpark.get();
        java.nio.file.Path dir = Files.createDirectories(tmp.resolve("exists"));
        Files.writeString(dir.resolve("keep.txt"), "data");
        Exception e = assertThrows(Exception.class, () -> ParquetOutput.writeWindows(
                sc(spark).parallelize(List.of(new int[] {1}), 1), new Path(dir.toString()), spark.sparkContext().hadoopConfiguration()));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
        assertEquals(List.of("keep.txt"), list(dir));
    }

    /**
     * A task that dies halfway through writing its file, and succeeds when tried again, leaves
     * each row once: its first attempt's file is never committed.
     */
    @Test
    void aTaskThatDiesMidFileLeavesEachRowOnce() throws IOException {
        LocalSpark.get().stop();
        // local[2,2]: a failed task is tried once more (local[2] fails the job at once).
        SparkSession retrying = SparkSession.builder().master("local[2,2]").appName("sparklm-parquet-retry-test")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate();
        java.nio.file.Path dir = tmp.resolve("retried");
        try {
            JavaRDD<int[]> windows = sc(retrying).parallelize(IntStream.range(0, 4000).boxed().toList(), 4)
                    .mapPartitions(it -> {
                        TaskContext task = TaskContext.get();
                        List<int[]> out = new ArrayList<>();
                        it.forEachRemaining(i -> out.add(new int[] {i}));
                        boolean dies = task.partitionId() == 2 && task.attemptNumber() == 0;
                        return IntStream.range(0, out.size()).mapToObj(i -> {
                            if (dies && i == out.size() / 2) {
                                INJECTED.incrementAndGet();
                                throw new IllegalStateException("injected failure halfway through the partition");
                            }
                            return out.get(i);
                        }).iterator();
                    });
            ParquetOutput.writeWindows(windows, new Path(dir.toString()), retrying.sparkContext().hadoopConfiguration());
            List<Integer> read = retrying.read().parquet(dir.toString()).collectAsList().stream()
                    .map(r -> r.<Integer>getList(0).get(0)).sorted().toList();
            assertEquals(1, INJECTED.get(), "one task attempt died");
            assertEquals(IntStream.range(0, 4000).boxed().toList(), read);
        } finally {
            retrying.stop();
        }
        List<String> files = list(dir);
        assertEquals(5, files.size(), files.toString());   // four parts and _SUCCESS, no attempt directories
        assertTrue(files.stream().allMatch(f -> f.equals("_SUCCESS") || f.matches("part-r-0000[0-3]\\.snappy\\.parquet")),
                files.toString());
    }

    private static MessageType footerSchema(String dir) throws IOException {
        org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration();
        for (org.apache.hadoop.fs.FileStatus f : new Path(dir).getFileSystem(conf).listStatus(new Path(dir))) {
            if (f.getPath().getName().endsWith(".parquet")) {
                try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromStatus(f, conf))) {
                    return r.getFooter().getFileMetaData().getSchema();
                }
            }
        }
        throw new AssertionError("no Parquet file in " + dir);
    }

    private static List<String> list(java.nio.file.Path dir) throws IOException {
        try (Stream<java.nio.file.Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().collect(Collectors.toList());
        }
    }
}
