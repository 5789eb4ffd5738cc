package dev.sparklm.io;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** The one place a job gets its SparkSession. */
public final class SparkSessions {
    private SparkSessions() {}

    /**
     * Returns the active session, or creates one. spark-submit sets the master; a job started
     * some other way (an IDE, a test) runs in local mode on every core.
     */
    public static SparkSession getOrCreate(String appName) {
        SparkConf conf = new SparkConf();
        if (!conf.contains("spark.master")) {
            conf.setMaster("local[*]");
        }
        if (!conf.contains("spark.app.name")) {
            conf.setAppName(appName);
        }
        return SparkSession.builder().config(conf).getOrCreate();
    }
}
