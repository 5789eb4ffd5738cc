package dev.sparklm.tokenizer;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Turns text into token ids and back. Implementations are immutable, thread-safe and
 * {@link java.io.Serializable}, so a job can broadcast one to its executors.
 *
 * <p>A tokenizer is fully described by its JSON form ({@link #toJson()}); {@link
 * TokenizerJson#read(String)} rebuilds it, and {@link #fingerprint()} identifies it, so a
 * training checkpoint can prove it was trained on shards made with the same tokenizer.
 */
public interface Tokenizer extends java.io.Serializable {

    /** The separator written between documents when they are packed into sequences. */
    String END_OF_TEXT = "<|endoftext|>";

    int vocabSize();

    /** Encodes ordinary text; special-token strings inside it are encoded as plain text. */
    int[] encode(String text);

    /** The exact inverse of {@link #encode} for text the tokenizer covers. */
    String decode(int[] ids);

    /** Decodes a single token (for streaming generated text). */
    default String decode(int id) {
        return decode(new int[] {id});
    }

    int endOfTextId();

    /**
     * UTF-8 bytes of the text that {@code ids[from..to)} stand for: the denominator of bits per
     * byte, comparable across tokenizers. {@code <|endoftext|>} separates documents and stands for
     * no text (0 bytes), not for its 13 literal characters.
     */
    default long textBytes(int[] ids, int from, int to) {
        int eot = endOfTextId();
        int[] text = java.util.Arrays.stream(ids, from, to).filter(id -> id != eot).toArray();
        return decode(text).getBytes(StandardCharsets.UTF_8).length;
    }

    /** A short name of the algorithm, written in manifests ("char", "bpe"). */
    String type();

    /** The complete, self-describing file content of this tokenizer. */
    String toJson();

    /** SHA-256 of {@link #toJson()}: equal fingerprints mean equal tokenizers. */
    default String fingerprint() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(toJson().getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
