package dev.sparklm.preprocess.read;

import java.io.Serializable;
import java.util.List;

/**
 * How to read one input.
 *
 * @param format         one of {@link Format}
 * @param textField      JSON Lines field / Parquet column holding the text (dots go into objects)
 * @param idField        field / column with the document id, or "" to use file:offset
 * @param metadataFields fields / columns copied into the document's metadata JSON
 * @param maxBytes       records longer than this are quarantined as too-long
 */
public record ReaderOptions(Format format, String textField, String idField, List<String> metadataFields,
                            long maxBytes) implements Serializable {

    /** The input formats, by their configuration name. */
    public enum Format {
        BLANK_LINE("blank-line"), LINE("line"), FILE("file"), JSONL("jsonl"), PARQUET("parquet"),
        HTML("html"), MEDIAWIKI("mediawiki"), WET("wet");

        public final String key;

        Format(String key) {
            this.key = key;
        }

        public static Format of(String key) {
            for (Format f : values()) {
                if (f.key.equals(key)) {
                    return f;
                }
            }
            throw new IllegalArgumentException(key);
        }

        public static String[] keys() {
            return java.util.Arrays.stream(values()).map(f -> f.key).toArray(String[]::new);
        }

        @Override
        public String toString() {
            return key;
        }
    }
}
