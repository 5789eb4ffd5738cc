package dev.sparklm.preprocess;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.LongConsumer;

/**
 * Packs a stream of documents' ids into training windows of {@code context + 1} ids.
 * Documents are joined with the end-of-text id; each window starts at the last id of the
 * previous one, so every id after the first is a prediction target exactly once. The ids
 * left over at the end (fewer than a window) are dropped and counted.
 */
public final class SequencePacker {
    private final int windowLength;
    private final int endOfText;
    private final int[] window;
    private int filled;
    private long droppedTail;

    public SequencePacker(int context, int endOfText) {
        this.windowLength = context + 1;
        this.endOfText = endOfText;
        this.window = new int[windowLength];
    }

    /** Adds one document (followed by end-of-text) and returns the windows it completed. */
    public List<int[]> add(int[] documentIds) {
        List<int[]> done = new ArrayList<>();
        for (int id : documentIds) {
            push(id, done);
        }
        push(endOfText, done);
        return done;
    }

    private void push(int id, List<int[]> done) {
        window[filled++] = id;
        if (filled == windowLength) {
            done.add(window.clone());
            window[0] = window[windowLength - 1];
            filled = 1;
        }
    }

    /** Ids that did not fill a last window; call when the stream ends. */
    public long finish() {
        droppedTail = filled > 1 ? filled - 1 : 0;
        filled = 0;
        return droppedTail;
    }

    /**
     * Packs lazily: windows are produced as documents are consumed, so a partition of any size
     * needs memory for one document's ids, not for the whole partition.
     *
     * @param onTokens  told the id count of each document, end-of-text included
     * @param onDropped told the tail ids dropped when the documents run out
     */
    public static Iterator<int[]> pack(Iterator<int[]> documents, int context, int endOfText,
                                       LongConsumer onTokens, LongConsumer onDropped) {
        SequencePacker packer = new SequencePacker(context, endOfText);
        return new Iterator<>() {
            private final ArrayDeque<int[]> ready = new ArrayDeque<>();
            private boolean finished;

            @Override
            public boolean hasNext() {
                while (ready.isEmpty() && documents.hasNext()) {
                    int[] ids = documents.next();
                    onTokens.accept(ids.length + 1L);
                    ready.addAll(packer.add(ids));
                }
                if (ready.isEmpty() && !finished) {
                    finished = true;
                    onDropped.accept(packer.finish());
                }
                return !ready.isEmpty();
            }

            @Override
            public int[] next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return ready.poll();
            }
        };
    }
}
