package dev.sparklm.preprocess;

import java.io.IOException;
import java.io.ObjectOutputStream;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.util.AccumulatorV2;

/**
 * Named counts (e.g. "pii.email", "html.nanos") summed over all tasks: a Spark accumulator of a
 * map. Tasks add to a local copy and Spark merges them on the driver. Like every accumulator
 * updated in a transformation, a task that runs again (a lost cached partition recomputed) can
 * count twice; the drop counts in stats.json do not come from here but from the documents
 * themselves, and are exact.
 *
 * <p>Other threads read it while it changes: Spark's status listener prints the driver's copy
 * while the scheduler merges finished tasks into it, and an executor serializes a running
 * task's copy for its heartbeat while the task adds. So every access holds the lock, and
 * {@link #value()} is a copy (as Spark's own CollectionAccumulator does).
 */
public final class StageCounters extends AccumulatorV2<Map<String, Long>, Map<String, Long>> {
    private final Map<String, Long> counts = new LinkedHashMap<>();

    public synchronized void add(String key, long n) {
        counts.merge(key, n, Long::sum);
    }

    public synchronized long get(String key) {
        return counts.getOrDefault(key, 0L);
    }

    @Override
    public synchronized boolean isZero() {
        return counts.isEmpty();
    }

    @Override
    public synchronized StageCounters copy() {
        StageCounters c = new StageCounters();
        c.counts.putAll(counts);
        return c;
    }

    @Override
    public synchronized void reset() {
        counts.clear();
    }

    @Override
    public synchronized void add(Map<String, Long> v) {
        v.forEach(this::add);
    }

    @Override
    public void merge(AccumulatorV2<Map<String, Long>, Map<String, Long>> other) {
        add(other.value());
    }

    /** The counts now: a copy, which later adds do not change. */
    @Override
    public synchronized Map<String, Long> value() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(counts));
    }

    private synchronized void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
    }
}
