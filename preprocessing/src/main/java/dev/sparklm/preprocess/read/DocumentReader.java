package dev.sparklm.preprocess.read;

import dev.sparklm.preprocess.Document;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Reads any supported input format into documents; see {@link ReaderOptions.Format}. A directory
 * is read with everything under it (as {@link InputListing} counts it); files whose names start
 * with "." or "_" are skipped.
 */
public final class DocumentReader {
    static final String RECURSIVE = "mapreduce.input.fileinputformat.input.dir.recursive";

    private DocumentReader() {}

    public static JavaRDD<Document> read(SparkSession spark, String input, ReaderOptions options) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        // binaryFiles has no per-call configuration, so the session's says "recurse" for all readers.
        sc.hadoopConfiguration().set(RECURSIVE, "true");
        return switch (options.format()) {
            case LINE, BLANK_LINE, JSONL -> TextRecordReader.read(sc, input, options);
            case FILE, HTML, MEDIAWIKI -> WholeFileReader.read(sc,
                    InputListing.of(input, "preprocess.input", sc.hadoopConfiguration()), options);
            case PARQUET -> ParquetReader.read(spark, input, options);
        };
    }
}
