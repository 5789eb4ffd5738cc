package dev.sparklm.preprocess.read;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;

import dev.sparklm.io.JobConfigException;
import dev.sparklm.preprocess.Document;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * Parquet files with a string column of text. Each row keeps its file and row index (Spark's
 * {@code _metadata}); null texts are quarantined. Files Spark cannot read (a corrupt footer) are
 * skipped by Spark's reader; a first pass over the file-path column finds the listed files that
 * gave no rows and quarantines them as "no-rows" (corrupt, or a valid file with no rows).
 */
final class ParquetReader {
    private ParquetReader() {}

    static JavaRDD<Document> read(SparkSession spark, String input, InputListing listing, ReaderOptions options) {
        Dataset<Row> table;
        try {
            // Local files through the raw local file system, as the other readers open them: the
            // checksum layer cannot name the ".name.crc" of a file whose name holds ':'.
            table = spark.read().option("ignoreCorruptFiles", "true").option("recursiveFileLookup", "true")
                    .option("fs.file.impl", RawLocalFileSystem.class.getName()).option("fs.file.impl.disable.cache", "true")
                    .parquet(input);
        } catch (Exception e) {   // Scala does not declare Spark's (checked) AnalysisException
            if (!(e instanceof org.apache.spark.sql.AnalysisException)) {
                throw e;
            }
            // Spark reads the schema from the files' footers; none could be read.
            throw new JobConfigException("no readable Parquet file in " + input + " (preprocess.input, with "
                    + "preprocess.input-format = parquet): " + listing.files() + " file(s), none a Parquet file Spark can "
                    + "read; is input-format right? (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        StructField text = find(table, options.textField(), "preprocess.fields.text");
        if (!text.dataType().equals(DataTypes.StringType)) {
            throw new JobConfigException("column " + options.textField() + " of " + input + " is "
                    + text.dataType().simpleString() + ", not string (preprocess.fields.text)");
        }
        List<Column> cols = new ArrayList<>(List.of(
                col("_metadata.file_path").as("source"),
                col("_metadata.row_index").as("row"),
                col(options.textField()).as("text")));
        if (options.idField().isEmpty()) {
            cols.add(lit(null).cast("string").as("id"));
        } else {
            find(table, options.idField(), "preprocess.fields.id");
            cols.add(col(options.idField()).cast("string").as("id"));
        }
        if (options.metadataFields().isEmpty()) {
            cols.add(lit(null).cast("string").as("meta"));
        } else {
            Column[] meta = options.metadataFields().stream().map(f -> {
                find(table, f, "preprocess.fields.metadata");
                return col(f);
            }).toArray(Column[]::new);
            cols.add(to_json(struct(meta)).as("meta"));
        }
        java.util.Set<String> withRows = new java.util.HashSet<>();
        for (Row r : table.select(col("_metadata.file_path")).distinct().collectAsList()) {
            withRows.add(r.getString(0));
        }
        List<String> noRows = listing.paths().stream().filter(p -> !withRows.contains(p)).toList();
        JavaRDD<Document> docs = table.select(cols.toArray(Column[]::new)).javaRDD().map(r -> {
            String source = r.getString(0);
            long row = r.getLong(1);
            if (r.isNullAt(2)) {
                return Document.quarantined(source, row, "missing-text", "null in column " + options.textField());
            }
            Document d = Document.of(r.getString(3), source, row, r.getString(2));
            d.setMeta(r.getString(4));
            return d;
        });
        if (noRows.isEmpty()) {
            return docs;
        }
        return docs.union(JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(noRows, 1)
                .map(path -> Document.quarantined(path, 0, "no-rows", "no rows read: not a readable Parquet file, or empty")));
    }

    private static StructField find(Dataset<Row> table, String column, String key) {
        for (StructField f : table.schema().fields()) {
            if (f.name().equals(column)) {
                return f;
            }
        }
        throw new JobConfigException("no column \"" + column + "\" (" + key + ") in the Parquet input; it has "
                + String.join(", ", table.schema().fieldNames()));
    }
}
