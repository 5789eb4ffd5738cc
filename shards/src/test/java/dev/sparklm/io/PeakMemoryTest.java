package dev.sparklm.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class PeakMemoryTest {
    /** A job of a few seconds, shorter than Spark's 10 s heartbeat, on a session of its own. */
    static long executorHeapAfterAShortJob(boolean report) {
        SparkSession.getDefaultSession().foreach(s -> {
            s.stop();   // the shared test session: getOrCreate would return it with its settings
            return null;
        });
        SparkConf conf = new SparkConf().setMaster("local[2]").setAppName("peak-memory-test")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1");
        if (report) {
            SparkSessions.reportPeakMemory(conf);
        }
        SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
        try {
            long sum = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(List.of(1, 2), 2).map(i -> {
                long s = 0;
                for (long end = System.nanoTime() + 1_500_000_000L; System.nanoTime() < end; ) {
                    s += new byte[1 << 16].length;   // allocation, so the heap is in use
                }
                return s;
            }).reduce(Long::sum);
            assertTrue(sum > 0);
            return PeakMemory.of(spark).get("executor_heap");
        } finally {
            spark.stop();
        }
    }

    @Test
    void executorsReportTheirPeakHeapForRunsShorterThanAHeartbeat() {
        assertTrue(executorHeapAfterAShortJob(true) > 1 << 20, "the tasks' sampled peaks reach the status store");
        assertEquals(0, executorHeapAfterAShortJob(false), "Spark's default samples with the heartbeat only: none yet");
    }
}
