package dev.sparklm.preprocess;

import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;

/**
 * The per-document stages, fused into one pass over each partition. Every stage records the
 * characters that reached it ("name.chars") and the CPU time its thread spent in it
 * ("name.cpu-nanos": thread CPU time, so a task that waits for a core or for I/O is not charged
 * for the wait), so stats.json and the benchmark can show throughput per core per stage.
 */
public final class DocumentPipeline implements Serializable {
    /** The pseudo-stage of the readers, first in stats.json: its drops are redirects and the like. */
    public static final String READ = "read";
    /** Suffix of a stage's CPU-time counter. */
    public static final String CPU_NANOS = ".cpu-nanos";
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final List<DocumentStage> stages;

    public DocumentPipeline(List<DocumentStage> stages) {
        this.stages = List.copyOf(stages);
    }

    public List<DocumentStage> stages() {
        return stages;
    }

    public JavaRDD<Document> apply(JavaRDD<Document> documents, StageCounters total) {
        return documents.mapPartitions(it -> {
            StageCounters local = new StageCounters();
            return new Iterator<Document>() {
                boolean flushed;

                // Time in the upstream iterator is the readers' (open, decompress, decode, parse).
                @Override
                public boolean hasNext() {
                    long t0 = cpuNanos();
                    boolean more = it.hasNext();
                    local.add(READ + CPU_NANOS, cpuNanos() - t0);
                    if (!more && !flushed) {
                        flushed = true;
                        total.add(local.value());
                    }
                    return more;
                }

                @Override
                public Document next() {
                    long t0 = cpuNanos();
                    Document d = it.next();
                    local.add(READ + CPU_NANOS, cpuNanos() - t0);
                    if (d.getText() != null) {
                        local.add(READ + ".chars", d.getText().length());
                    }
                    return process(d, local);
                }
            };
        });
    }

    /** CPU time of the current thread (clock_gettime on Linux: well under a microsecond). */
    static long cpuNanos() {
        return THREADS.getCurrentThreadCpuTime();
    }

    /** Runs the stages over one document until one drops it. */
    public Document process(Document doc, StageCounters counters) {
        for (DocumentStage stage : stages) {
            if (!doc.kept()) {
                break;
            }
            counters.add(stage.name() + ".chars", doc.getText().length());
            long t0 = cpuNanos();
            stage.apply(doc, counters);
            counters.add(stage.name() + CPU_NANOS, cpuNanos() - t0);
        }
        return doc;
    }
}
