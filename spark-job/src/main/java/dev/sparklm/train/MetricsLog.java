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

    public Path file() {
        return file;
    }
}
