package dev.sparklm.preprocess;

import dev.sparklm.io.Hashing;
import java.io.Serializable;

/**
 * One document on its way through the pipeline (a Java bean, so Spark encodes it as columns).
 * A document a stage rejects is not removed: it keeps flowing with {@link #getDrop()} set to
 * "stage:reason", so one aggregation at the end counts every stage's drops exactly and samples
 * them, and later stages skip it. Records a reader could not decode carry
 * "quarantine:reason" and no text.
 */
public class Document implements Serializable {
    /** The prefix of the drop reason of a record a reader could not decode. */
    public static final String QUARANTINE = "quarantine:";

    private long key;
    private String id;
    private String source;
    private long offset;
    private String text;
    private String drop;
    private String detail;
    private String split;
    private String lang;
    private String meta;
    private String preview;
    private boolean sampleCopy;

    public Document() {}

    /** @param key 64-bit identity used by joins (unique per record position, see {@link #keyOf}) */
    public static Document of(String id, String source, long offset, String text) {
        Document d = new Document();
        d.key = keyOf(source, offset);
        d.id = id != null ? id : source + ":" + offset;
        d.source = source;
        d.offset = offset;
        d.text = text;
        return d;
    }

    /** A record that could not be read: counted, listed with its file and offset, never output. */
    public static Document quarantined(String source, long offset, String reason, String detail) {
        Document d = of(null, source, offset, null);
        d.drop = QUARANTINE + reason;
        d.detail = detail;
        return d;
    }

    /** FNV-1a over the source and offset, then a 64-bit finalizer: stable across JVMs and runs. */
    public static long keyOf(String source, long offset) {
        return Hashing.fmix64((Hashing.fnv1a(source, 0, source.length()) ^ offset) * 0x100000001b3L);
    }

    public boolean kept() {
        return drop == null;
    }

    public boolean quarantined() {
        return drop != null && drop.startsWith(QUARANTINE);
    }

    /** Marks the document dropped by {@code stage} for {@code reason}; the first drop wins. */
    public void dropBy(String stage, String reason) {
        if (drop == null) {
            drop = stage + ":" + reason;
        }
    }

    public long getKey() { return key; }
    public void setKey(long key) { this.key = key; }
    public String getId() { return id; }
    public void setId(String id) { this.id = id; }
    public String getSource() { return source; }
    public void setSource(String source) { this.source = source; }
    public long getOffset() { return offset; }
    public void setOffset(long offset) { this.offset = offset; }
    public String getText() { return text; }
    public void setText(String text) { this.text = text; }
    public String getDrop() { return drop; }
    public void setDrop(String drop) { this.drop = drop; }
    public String getDetail() { return detail; }
    public void setDetail(String detail) { this.detail = detail; }
    /** A split the document is forced into (held-out input), or null to assign by hash. */
    public String getSplit() { return split; }
    public void setSplit(String split) { this.split = split; }
    public String getLang() { return lang; }
    public void setLang(String lang) { this.lang = lang; }
    /** Metadata fields of the input record, as a JSON object, or null. */
    public String getMeta() { return meta; }
    public void setMeta(String meta) { this.meta = meta; }
    /** Of a quarantined record: its first bytes as text, for a person to recognize it; else null. */
    public String getPreview() { return preview; }
    public void setPreview(String preview) { this.preview = preview; }

    /**
     * A copy of this dropped document, with at most {@code chars} of its text, that only
     * dropped-sample/ reads (see {@link DroppedSamples}); every count skips it.
     */
    public Document sampleCopy(int chars) {
        Document d = new Document();
        d.key = key;
        d.id = id;
        d.source = source;
        d.offset = offset;
        d.text = text == null ? null : text.substring(0, Math.min(text.length(), chars));
        d.drop = drop;
        d.detail = detail;
        d.split = split;
        d.lang = lang;
        d.meta = meta;
        d.sampleCopy = true;
        return d;
    }

    public boolean isSampleCopy() { return sampleCopy; }

    /** This (quarantined) record with the start of its bytes as a preview. */
    public Document withPreview(byte[] bytes, int length) {
        this.preview = preview(bytes, length);
        return this;
    }

    static final int PREVIEW_BYTES = 200;

    /** The first bytes as text: malformed UTF-8 as U+FFFD, control characters but newline and tab as U+00B7. */
    static String preview(byte[] bytes, int length) {
        String s = new String(bytes, 0, Math.min(length, PREVIEW_BYTES), java.nio.charset.StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(s.length());
        s.codePoints().forEach(c -> out.appendCodePoint(c < 0x20 && c != '\n' && c != '\t' || c == 0x7F ? 0xB7 : c));
        return out.toString();
    }
}
