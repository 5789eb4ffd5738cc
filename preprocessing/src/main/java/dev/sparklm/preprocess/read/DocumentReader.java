package dev.sparklm.preprocess.read;

import dev.sparklm.preprocess.Document;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/** Reads any supported input format into documents; see {@link ReaderOptions.Format}. */
public final class DocumentReader {
    private DocumentReader() {}

    public static JavaRDD<Document> read(SparkSession spark, String input, ReaderOptions options) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        return switch (options.format()) {
            case LINE, BLANK_LINE, JSONL -> TextRecordReader.read(sc, input, options);
            case FILE, HTML, MEDIAWIKI -> WholeFileReader.read(sc, input, options);
            case PARQUET -> ParquetReader.read(spark, input, options);
        };
    }
}
