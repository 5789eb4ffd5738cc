package dev.sparklm.io;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** One local[2] session for all tests in a JVM (starting Spark costs seconds); the jobs' tests get it from this module's test jar. */
public final class LocalSpark {
    private LocalSpark() {}

    public static synchronized SparkSession get() {
        SparkConf conf = new SparkConf()
                .setMaster("local[2]")
                .setAppName("sparklm-test")
                .set("spark.ui.enabled", "false")
                .set("spark.sql.shuffle.partitions", "4")
                .set("spark.driver.host", "127.0.0.1");
        SparkSessions.inOneJvm(conf);   // as the jobs run in local mode
        return SparkSession.builder().config(conf).getOrCreate();
    }
}
