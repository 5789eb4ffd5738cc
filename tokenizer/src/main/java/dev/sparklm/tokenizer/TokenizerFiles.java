package dev.sparklm.tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Loading and saving tokenizers on the local file system, and reading text files as UTF-8. */
public final class TokenizerFiles {
    private TokenizerFiles() {}

    /**
     * Loads {@code tokenizer.json} (ours or HuggingFace's), a GPT-2 directory with
     * {@code vocab.json} and {@code merges.txt}, or a tiktoken {@code .tiktoken} rank file.
     */
    public static Tokenizer load(Path path) {
        try {
            if (Files.isDirectory(path)) {
                if (Files.exists(path.resolve("tokenizer.json"))) {
                    return load(path.resolve("tokenizer.json"));
                }
                Path vocab = path.resolve("vocab.json");
                Path merges = path.resolve("merges.txt");
                if (Files.exists(vocab) && Files.exists(merges)) {
                    return HuggingFaceFormat.fromVocabAndMerges(Files.readString(vocab), vocab.toString(),
                            Files.readString(merges), merges.toString(), List.of(Tokenizer.END_OF_TEXT), PreTokenizer.GPT2);
                }
                throw new IllegalArgumentException(path + ": no tokenizer.json, nor vocab.json and merges.txt");
            }
            if (!Files.exists(path)) {
                throw new IllegalArgumentException(path + ": no such file or directory");
            }
            if (path.toString().endsWith(".tiktoken")) {
                return TiktokenFormat.read(Files.readString(path, StandardCharsets.US_ASCII), path.toString(), Map.of(), PreTokenizer.GPT2);
            }
            return TokenizerJson.read(Files.readString(path), path.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /** Writes tokenizer.json, and for BPE also GPT-2's vocab.json and merges.txt, into {@code dir}. */
    public static void save(Tokenizer tokenizer, Path dir) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("tokenizer.json"), tokenizer.toJson());
            if (tokenizer instanceof ByteLevelBpeTokenizer bpe) {
                Files.writeString(dir.resolve("vocab.json"), HuggingFaceFormat.vocabJson(bpe));
                Files.writeString(dir.resolve("merges.txt"), HuggingFaceFormat.mergesTxt(bpe));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Text decoded from UTF-8, and how many malformed byte sequences became U+FFFD. */
    public record DecodedText(String text, long replaced) {}

    /**
     * Decodes UTF-8, replacing each malformed or truncated byte sequence with U+FFFD and
     * counting them: invalid bytes never stop a job, and never pass silently.
     */
    public static DecodedText decodeUtf8(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        // UTF-8 never gives more chars than bytes, and each bad sequence (>= 1 byte) gives one.
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        long replaced = 0;
        CoderResult r;
        while ((r = decoder.decode(in, out, true)).isError()) {
            in.position(in.position() + r.length());
            out.put('\uFFFD');
            replaced++;
        }
        decoder.flush(out);
        out.flip();
        return new DecodedText(out.toString(), replaced);
    }
}
