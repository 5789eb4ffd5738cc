package dev.sparklm.preprocess;

import dev.sparklm.shards.ShardManifest;

import dev.sparklm.io.SnakeCaseJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code stats.json}: what every stage did, for the notebooks and for whoever wonders where a
 * document went. Drop counts are exact (aggregated from the documents); timings and the extra
 * counters come from accumulators.
 *
 * @param records            records the readers produced (documents and quarantined records)
 * @param quarantined        unreadable records by reason (invalid-utf8, binary, too-long, ...)
 * @param stages             in pipeline order, each with documents in and out and drops by reason
 * @param documentsKept      documents that reached the split
 * @param splits             documents, tokens and sequences per split
 * @param tokenLengthHistogram per split: documents by token count, in power-of-two buckets
 *                           ("64-127": documents of 64 to 127 tokens, separator included)
 * @param phaseSeconds       wall time of each phase of the job
 * @param peakMemoryBytes    the driver's peak heap, and the largest executor peak heap Spark
 *                           reported (in local mode the driver is the executor)
 */
public record PreprocessStats(int schemaVersion, String input, String inputFormat, long inputFiles, long inputBytes,
                              long records, Map<String, Long> quarantined, List<StageStats> stages,
                              long documentsKept, Map<String, ShardManifest.SplitInfo> splits,
                              Map<String, Map<String, Long>> tokenLengthHistogram, Map<String, Double> phaseSeconds,
                              Map<String, Long> peakMemoryBytes) {

    public static final int SCHEMA_VERSION = 2;   // 2: cpu_seconds (thread CPU time) and wall_seconds instead of seconds
    public static final String FILE_NAME = "stats.json";

    /**
     * @param cpuSeconds  thread CPU time spent in the stage, summed over tasks (the per-document
     *                    stages and the readers); null for dedup
     * @param wallSeconds for dedup (Spark jobs of its own), their wall time; null for the others
     * @param counters    stage-specific counts (characters in, redactions, languages, candidate pairs, ...)
     */
    public record StageStats(String name, long documentsIn, long documentsOut, Map<String, Long> dropped,
                             Double cpuSeconds, Double wallSeconds, Map<String, Long> counters) {}

    public String toJson() {
        return SnakeCaseJson.write(this);
    }

    /**
     * Builds the per-stage table from the exact drop counts ("stage:reason" -> n) and the stage
     * order: a stage's input is its predecessor's output.
     */
    static List<StageStats> stageTable(List<String> order, long documents, Map<String, Long> dropsByReason,
                                       Map<String, Long> counters, Map<String, Double> wallSeconds) {
        List<StageStats> table = new ArrayList<>();
        long in = documents;
        for (String stage : order) {
            Map<String, Long> dropped = new LinkedHashMap<>();
            long out = in;
            for (Map.Entry<String, Long> e : dropsByReason.entrySet()) {
                if (e.getKey().startsWith(stage + ":")) {
                    dropped.put(e.getKey().substring(stage.length() + 1), e.getValue());
                    out -= e.getValue();
                }
            }
            Map<String, Long> own = new LinkedHashMap<>();
            counters.forEach((k, v) -> {
                if (k.startsWith(stage + ".") && !k.equals(stage + DocumentPipeline.CPU_NANOS)) {
                    own.put(k.substring(stage.length() + 1), v);
                }
            });
            Double wall = wallSeconds.get(stage);
            Double cpu = wall != null ? null : counters.getOrDefault(stage + DocumentPipeline.CPU_NANOS, 0L) / 1e9;
            table.add(new StageStats(stage, in, out, dropped, cpu, wall, own));
            in = out;
        }
        return table;
    }

    /** "0", "1", "2-3", "4-7", ...: the power-of-two bucket of a token count. */
    static String bucket(long tokens) {
        if (tokens <= 1) {
            return Long.toString(Math.max(tokens, 0));
        }
        long lo = Long.highestOneBit(tokens);
        return lo + "-" + (2 * lo - 1);
    }
}
