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

    /**
     * @param listing what {@code input} matched ({@link InputListing#of}); its empty files become
     *                quarantined "empty-file" records
     */
    public static JavaRDD<Document> read(SparkSession spark, String input, InputListing listing, ReaderOptions options) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        // Hadoop's file input formats list directories recursively only when told to.
        sc.hadoopConfiguration().set(RECURSIVE, "true");
        JavaRDD<Document> docs = switch (options.format()) {
            case LINE, BLANK_LINE, JSONL, MEDIAWIKI -> TextRecordReader.read(sc, input, listing.bytes(), options);
            case FILE, HTML, WET -> WholeFileReader.read(sc, listing, options);
            case PARQUET -> ParquetReader.read(spark, input, listing, options);
        };
        if (listing.emptyFiles().isEmpty()) {
            return docs;
        }
        return docs.union(sc.parallelize(listing.emptyFiles(), 1)
                .map(path -> Document.quarantined(path, 0, "empty-file", "0 bytes")));
    }
}
