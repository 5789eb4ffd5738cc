package dev.sparklm.preprocess;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.util.AccumulatorV2;

/**
 * Named counts (e.g. "pii.email", "html.nanos") summed over all tasks: a Spark accumulator of a
 * map. Tasks add to a local copy and Spark merges them on the driver. Like every accumulator
 * updated in a transformation, a retried task can count twice; the drop counts in stats.json
 * do not come from here but from the documents themselves, and are exact.
 */
public final class StageCounters extends AccumulatorV2<Map<String, Long>, Map<String, Long>> {
    private final Map<String, Long> counts = new LinkedHashMap<>();

    public void add(String key, long n) {
        counts.merge(key, n, Long::sum);
    }

    public long get(String key) {
        return counts.getOrDefault(key, 0L);
    }

    @Override
    public boolean isZero() {
        return counts.isEmpty();
    }

    @Override
    public StageCounters copy() {
        StageCounters c = new StageCounters();
        c.counts.putAll(counts);
        return c;
    }

    @Override
    public void reset() {
        counts.clear();
    }

    @Override
    public void add(Map<String, Long> v) {
        v.forEach(this::add);
    }

    @Override
    public void merge(AccumulatorV2<Map<String, Long>, Map<String, Long>> other) {
        add(other.value());
    }

    @Override
    public Map<String, Long> value() {
        return counts;
    }
}
