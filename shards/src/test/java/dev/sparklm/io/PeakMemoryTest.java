package dev.sparklm.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class PeakMemoryTest {
    /**
     * A job of about a second on a new local session: shorter than the 10-20 s before an
     * executor's first heartbeat, so Spark has no executor heap figure (stats.json said 0).
     */
    @Test
    void aShortLocalRunReportsTheExecutorsHeapAsThisJvms() {
        // A running context (the shared test session's) would be reused, heartbeats and all.
        SparkSession.getDefaultSession().foreach(s -> {
            s.stop();
            return null;
        });
        SparkSession spark = SparkSession.builder().config(new SparkConf().setMaster("local[2]")
                .setAppName("peak-memory-test").set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1"))
                .getOrCreate();
        try {
            long n = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(List.of(1, 2), 2)
                    .map(i -> new byte[8 << 20].length).reduce(Integer::sum);
            assertEquals(16 << 20, n);
            Map<String, Long> m = PeakMemory.of(spark);
            assertTrue(m.get("driver_heap") > 16 << 20, m.toString());
            assertEquals(m.get("driver_heap"), m.get("executor_heap"), "the executors are this JVM");
        } finally {
            spark.stop();
        }
    }
}
