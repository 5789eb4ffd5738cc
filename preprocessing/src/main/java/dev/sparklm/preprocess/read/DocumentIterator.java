package dev.sparklm.preprocess.read;

import dev.sparklm.preprocess.Document;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Documents read one at a time from a stream of records, ending with a quarantined record when
 * the stream breaks (a corrupt or truncated file, an I/O error): what was read before is kept,
 * and the job goes on.
 */
abstract class DocumentIterator implements Iterator<Document> {
    private Document next;
    private boolean done;

    /** The next document or quarantined record; null at the end. */
    abstract Document advance() throws Exception;

    /** The record that says where and why reading broke; nothing is read after it. */
    abstract Document broken(Exception e);

    /** Once, when there is nothing more to read. */
    void finish() {}

    @Override
    public final boolean hasNext() {
        if (next == null && !done) {
            try {
                next = advance();
                done = next == null;
            } catch (Exception e) {
                next = broken(e);
                done = true;
            }
            if (done) {
                finish();
            }
        }
        return next != null;
    }

    @Override
    public final Document next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Document d = next;
        next = null;
        return d;
    }
}
