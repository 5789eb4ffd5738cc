package dev.sparklm.preprocess.read;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;

/**
 * Turns a record's bytes into text, strictly: bytes that are not UTF-8, or that look like a
 * binary file, are reported instead of being silently replaced, so the reader can quarantine
 * the record with its file and offset. Not thread-safe (one per task).
 */
public final class RecordDecoder {
    /** Why a record was refused, or null when {@link #decode} returned text. */
    public enum Problem {
        INVALID_UTF8("invalid-utf8"), BINARY("binary"), TOO_LONG("too-long");

        public final String reason;

        Problem(String reason) {
            this.reason = reason;
        }
    }

    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final long maxBytes;
    private Problem problem;
    private String detail;

    public RecordDecoder(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** The text of {@code bytes[0, length)}, or null with {@link #problem()} and {@link #detail()} set. */
    public String decode(byte[] bytes, int length) {
        problem = null;
        detail = null;
        if (length > maxBytes) {
            return fail(Problem.TOO_LONG, length + " bytes > preprocess.max-document-bytes = " + maxBytes);
        }
        int controls = 0;
        int probe = Math.min(length, 8192);
        for (int i = 0; i < probe; i++) {
            int b = bytes[i] & 0xFF;
            if (b == 0) {
                return fail(Problem.BINARY, "NUL byte at +" + i);
            }
            if (b < 0x20 && b != '\n' && b != '\r' && b != '\t' && b != '\f' && b != 0x1B && b != '\b') {
                controls++;
            }
        }
        if (probe > 0 && controls * 10 > probe) {
            return fail(Problem.BINARY, controls + " control bytes in the first " + probe);
        }
        try {
            CharBuffer chars = utf8.reset().decode(ByteBuffer.wrap(bytes, 0, length));
            return chars.toString();
        } catch (MalformedInputException e) {
            return fail(Problem.INVALID_UTF8, "malformed UTF-8 at +" + firstMalformed(bytes, length));
        } catch (CharacterCodingException e) {
            return fail(Problem.INVALID_UTF8, e.toString());
        }
    }

    private int firstMalformed(byte[] bytes, int length) {
        ByteBuffer in = ByteBuffer.wrap(bytes, 0, length);
        CharBuffer out = CharBuffer.allocate(length + 1);
        utf8.reset().decode(in, out, true);
        return in.position();
    }

    private String fail(Problem p, String why) {
        problem = p;
        detail = why;
        return null;
    }

    public Problem problem() {
        return problem;
    }

    public String detail() {
        return detail;
    }
}
