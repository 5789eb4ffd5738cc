package dev.sparklm.io;

import org.apache.spark.sql.SparkSession;

/** One local[2] session for all tests in a JVM (starting Spark costs seconds); the jobs' tests get it from this module's test jar. */
public final class LocalSpark {
    private LocalSpark() {}

    public static synchronized SparkSession get() {
        return SparkSession.builder()
                .master("local[2]")
                .appName("sparklm-test")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.driver.host", "127.0.0.1")
                .getOrCreate();
    }
}
