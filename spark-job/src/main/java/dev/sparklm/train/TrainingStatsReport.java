package dev.sparklm.train;

import java.util.Map;
import java.util.TreeMap;
import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
import org.deeplearning4j.spark.stats.EventStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where parameter-averaging time goes, from DL4J's training statistics
 * ({@code spark.collect-stats = true}): total milliseconds per event kind on the master
 * (splitting, broadcasting parameters, aggregating and applying the averaged parameters) and on
 * the workers (fitting), and the master's share of the wall time spent in fit calls.
 */
final class TrainingStatsReport {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingStatsReport.class);

    private TrainingStatsReport() {}

    /** Total duration in milliseconds per statistic key, nested statistics included. */
    static Map<String, Long> totals(SparkTrainingStats stats) {
        Map<String, Long> totals = new TreeMap<>();
        for (SparkTrainingStats s = stats; s != null; s = s.getNestedTrainingStats()) {
            for (String key : s.getKeySet()) {
                long ms = 0;
                for (EventStats e : s.getValue(key)) {
                    ms += e.getDurationMs();
                }
                totals.merge(key, ms, Long::sum);
            }
        }
        return totals;
    }

    /**
     * Logs the totals and returns the share of the fit calls' wall time that went to parameter
     * averaging rather than to the workers' stage: on the master, broadcasting the parameters,
     * applying the averaged ones and everything outside the workers' mapPartitions stage, plus
     * each worker's model set-up from the broadcast (averaged over workers). The aggregation of
     * the workers' parameters runs inside that stage and cannot be told apart in DL4J's
     * statistics, so this is a lower bound. Worker-side fit timers overlap (prefetching), so
     * they are reported but not used.
     *
     * @param fitWallMs wall time of all {@code SparkDl4jMultiLayer.fit} calls
     * @param workers   workers training in parallel
     */
    static double log(SparkTrainingStats stats, long fitWallMs, int workers) {
        if (stats == null || fitWallMs <= 0) {
            return Double.NaN;
        }
        Map<String, Long> totals = totals(stats);
        StringBuilder table = new StringBuilder();
        totals.forEach((k, v) -> table.append(String.format("%n  %-52s %10.1f s", k, v / 1000.0)));
        long masterFit = totals.getOrDefault("ParameterAveragingMasterFitTimesMs", 0L);
        long workerStage = totals.getOrDefault("ParameterAveragingMasterMapPartitionsTimesMs", 0L);
        long broadcast = totals.getOrDefault("ParameterAveragingMasterBroadcastCreateTimesMs", 0L);
        long apply = totals.getOrDefault("ParameterAveragingMasterProcessParamsUpdaterTimesMs", 0L);
        double setUp = totals.getOrDefault("WorkerFlatMapGetInitialModelTimeMs", 0L) / (double) workers;
        double outside = Math.max(0, masterFit - workerStage);
        double share = (outside + setUp) / fitWallMs;
        LOG.info("training statistics (totals over all events):{}", table);
        LOG.info("parameter averaging: {} s of {} s in fit calls ({}%): on the master outside the workers' stage {} s "
                        + "(broadcast {} s, applying the average {} s), model set-up on each worker {} s",
                fmt(outside + setUp), fmt(fitWallMs), String.format("%.1f", 100 * share), fmt(outside), fmt(broadcast),
                fmt(apply), fmt(setUp));
        return share;
    }

    private static String fmt(double ms) {
        return String.format("%.1f", ms / 1000.0);
    }
}
