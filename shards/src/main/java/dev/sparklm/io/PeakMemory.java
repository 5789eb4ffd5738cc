package dev.sparklm.io;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.status.api.v1.ExecutorSummary;
import scala.collection.JavaConverters;

/** Peak heap of the driver (this JVM) and of the executors, as Spark's heartbeats reported them (in local mode, this JVM's). */
public final class PeakMemory {
    private PeakMemory() {}

    /** driver_heap (peak used), driver_heap_max, executor_heap (largest executor peak), in bytes. */
    public static Map<String, Long> of(SparkSession spark) {
        Map<String, Long> out = new LinkedHashMap<>();
        long driver = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                driver += pool.getPeakUsage().getUsed();   // sum of per-pool peaks: an upper bound
            }
        }
        out.put("driver_heap", driver);
        out.put("driver_heap_max", Runtime.getRuntime().maxMemory());
        long executor = 0;
        for (ExecutorSummary e : JavaConverters.seqAsJavaList(spark.sparkContext().statusStore().executorList(false))) {
            if (e.peakMemoryMetrics().isDefined()) {
                executor = Math.max(executor, e.peakMemoryMetrics().get().getMetricValue("JVMHeapMemory"));
            }
        }
        if (executor == 0 && SparkSessions.isLocal(spark.sparkContext().master())) {
            // The executors are this JVM, and Spark hears of their heap only with a heartbeat
            // (10-20 s after start): a shorter run reported 0. This JVM's own peak is theirs.
            executor = driver;
        }
        out.put("executor_heap", executor);
        return out;
    }
}
