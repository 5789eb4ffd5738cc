package dev.sparklm.preprocess.filter;

import dev.sparklm.preprocess.Document;
import dev.sparklm.preprocess.DocumentStage;
import dev.sparklm.preprocess.StageCounters;

/** A filter that only judges the text: {@link #check} names the first rule it breaks, or null. */
abstract class DocumentRule implements DocumentStage {

    /** The reason to drop {@code text} (a rule's name), or null to keep it. */
    public abstract String check(String text);

    @Override
    public final void apply(Document doc, StageCounters counters) {
        String reason = check(doc.getText());
        if (reason != null) {
            doc.dropBy(name(), reason);
        }
    }
}
