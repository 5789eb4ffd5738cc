package dev.sparklm.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparklm.io.HadoopFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * {@code <output>/metrics.jsonl}: one JSON object per evaluation, for the notebooks. Object
 * stores have no append, so each line rewrites the (small) file atomically.
 */
public final class MetricsLog {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final Path file;
    private final Configuration conf;
    private final StringBuilder lines = new StringBuilder();

    public MetricsLog(String output, Configuration conf) {
        this.file = new Path(output, "metrics.jsonl");
        this.conf = conf;
        try {
            if (file.getFileSystem(conf).exists(file)) {
                lines.append(HadoopFiles.readString(file, conf));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    public void append(Map<String, Object> record) {
        try {
            lines.append(MAPPER.writeValueAsString(record)).append('\n');
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        HadoopFiles.writeStringAtomically(file, lines.toString(), conf);
    }

    /**
     * Drops the rows of steps after {@code step}: a run resumed from that step's checkpoint
     * trains them again, and its rows replace theirs instead of following them.
     *
     * @return how many rows were dropped
     */
    public int truncateAfter(long step) {
        StringBuilder kept = new StringBuilder();
        int dropped = 0;
        for (String line : lines.toString().split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            long rowStep;
            try {
                rowStep = MAPPER.readTree(line).path("step").asLong(Long.MIN_VALUE);
            } catch (JsonProcessingException e) {
                rowStep = Long.MIN_VALUE;   // not ours to judge: kept
            }
            if (rowStep > step) {
                dropped++;
            } else {
                kept.append(line).append('\n');
            }
        }
        if (dropped > 0) {
            lines.setLength(0);
            lines.append(kept);
            HadoopFiles.writeStringAtomically(file, lines.toString(), conf);
        }
        return dropped;
    }

    public Path file() {
        return file;
    }
}
