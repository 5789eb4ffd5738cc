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

                @Override
                public boolean hasNext() {
                    boolean more = it.hasNext();
                    if (!more && !flushed) {
                        flushed = true;
                        total.add(local.value());
                    }
                    return more;
                }

                @Override
                public Document next() {
                    return process(it.next(), local);
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
