package dev.sparklm.io;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs each running Spark stage's progress (tasks done of total, elapsed, ETA) at most every
 * {@code intervalMillis}, and long stages' completion: the log-friendly replacement for the
 * console progress bar, which spark-defaults.conf turns off.
 */
public final class StageProgressLogger extends SparkListener {
    private static final Logger LOG = LoggerFactory.getLogger(StageProgressLogger.class);

    private final long intervalMillis;
    private final Map<Integer, long[]> stages = new ConcurrentHashMap<>();   // id -> {start, total, done, lastLog}
    private final Map<Integer, String> names = new ConcurrentHashMap<>();

    public StageProgressLogger(long intervalMillis) {
        this.intervalMillis = intervalMillis;
    }

    @Override
    public void onStageSubmitted(SparkListenerStageSubmitted event) {
        StageInfo s = event.stageInfo();
        long now = System.currentTimeMillis();
        stages.put(s.stageId(), new long[] {now, s.numTasks(), 0, now});
        names.put(s.stageId(), s.name());
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd event) {
        long[] st = stages.get(event.stageId());
        if (st == null) {
            return;
        }
        synchronized (st) {
            st[2]++;
            long now = System.currentTimeMillis();
            if (now - st[3] >= intervalMillis && st[2] < st[1]) {
                st[3] = now;
                double elapsed = (now - st[0]) / 1000.0;
                double eta = elapsed / st[2] * (st[1] - st[2]);
                LOG.info("stage {} ({}): {}/{} tasks, {} s elapsed, ETA {} s", event.stageId(), names.get(event.stageId()),
                        st[2], st[1], Math.round(elapsed), Math.round(eta));
            }
        }
    }

    @Override
    public void onStageCompleted(SparkListenerStageCompleted event) {
        long[] st = stages.remove(event.stageInfo().stageId());
        names.remove(event.stageInfo().stageId());
        if (st != null && System.currentTimeMillis() - st[0] >= intervalMillis) {
            LOG.info("stage {} ({}) done: {} tasks in {} s", event.stageInfo().stageId(), event.stageInfo().name(),
                    st[1], Math.round((System.currentTimeMillis() - st[0]) / 1000.0));
        }
    }
}
