package dev.sparklm.preprocess.filter;

import dev.sparklm.preprocess.Document;
import dev.sparklm.preprocess.DocumentStage;
import dev.sparklm.preprocess.StageCounters;

/** Drops documents shorter than a number of characters (after cleaning): empty pages, stubs. */
public final class LengthFilter implements DocumentStage {
    private final int minChars;

    public LengthFilter(int minChars) {
        this.minChars = minChars;
    }

    @Override
    public String name() {
        return "length";
    }

    @Override
    public void apply(Document doc, StageCounters counters) {
        if (doc.getText().length() < minChars) {
            doc.dropBy(name(), doc.getText().isBlank() ? "empty" : "too-short");
        }
    }
}
