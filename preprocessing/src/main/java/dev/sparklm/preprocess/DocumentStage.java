package dev.sparklm.preprocess;

import java.io.Serializable;

/**
 * One per-document step of the pipeline: a cleaner changes the text, a filter judges it. Stages
 * see only kept documents, one at a time, so a run of them fuses into a single pass.
 */
public interface DocumentStage extends Serializable {
    /** The stage's name in the configuration, the drop reasons ("name:reason") and stats.json. */
    String name();

    /**
     * Cleans {@code doc.getText()} in place or calls {@code doc.dropBy(name(), reason)}; may add
     * stage-specific counts (e.g. redactions) to {@code counters} under its own name.
     */
    void apply(Document doc, StageCounters counters);
}
