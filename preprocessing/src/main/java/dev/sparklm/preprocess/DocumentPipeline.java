package dev.sparklm.preprocess;

import java.io.Serializable;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;

/**
 * The per-document stages, fused into one pass over each partition. Every stage records the
 * characters that reached it ("name.chars") and the time it spent ("name.nanos"), so
 * stats.json and the benchmark can show throughput per stage.
 */
public final class DocumentPipeline implements Serializable {
    /** The pseudo-stage of the readers, first in stats.json: its drops are redirects and the like. */
    public static final String READ = "read";

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
                    long t0 = System.nanoTime();
                    boolean more = it.hasNext();
                    local.add(READ + ".nanos", System.nanoTime() - t0);
                    if (!more && !flushed) {
                        flushed = true;
                        total.add(local.value());
                    }
                    return more;
                }

                @Override
                public Document next() {
                    long t0 = System.nanoTime();
                    Document d = it.next();
                    local.add(READ + ".nanos", System.nanoTime() - t0);
                    if (d.getText() != null) {
                        local.add(READ + ".chars", d.getText().length());
                    }
                    return process(d, local);
                }
            };
        });
    }

    /** Runs the stages over one document until one drops it. */
    public Document process(Document doc, StageCounters counters) {
        for (DocumentStage stage : stages) {
            if (!doc.kept()) {
                break;
            }
            counters.add(stage.name() + ".chars", doc.getText().length());
            long t0 = System.nanoTime();
            stage.apply(doc, counters);
            counters.add(stage.name() + ".nanos", System.nanoTime() - t0);
        }
        return doc;
    }
}
