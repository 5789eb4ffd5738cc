package dev.sparklm.bench;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.sparklm.tokenizer.ByteLevelBpeTokenizer;
import dev.sparklm.tokenizer.PreTokenizer;
import dev.sparklm.tokenizer.TiktokenFormat;
import dev.sparklm.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * GPT-2 encode throughput: our encoder with GPT-2's ranks against JTokkit's r50k_base, on the
 * same text in the same run. One operation encodes every document of the text (the file given
 * by -Dbench.text, cut to -Dbench.megabytes, split into documents at blank lines); MB/s =
 * text bytes / seconds per operation. Both produce the same ids (the tokenizer's tests).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class EncodeBenchmark {
    /**
     * jtokkit = JTokkit's r50k_base; ours = our encoder; ours-nocache = ours without its cache
     * of encoded chunks (every chunk merged from bytes). All give the same ids.
     */
    @Param({"jtokkit", "ours", "ours-nocache"})
    public String impl;

    List<String> documents;
    long bytes;
    ByteLevelBpeTokenizer ours;
    Encoding jtokkit;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path file = Path.of(System.getProperty("bench.text", "data/tinyshakespeare/input.txt"));
        int megabytes = Integer.getInteger("bench.megabytes", 20);
        String text = Files.readString(file, StandardCharsets.UTF_8);
        if (text.length() > megabytes * 1_000_000) {
            text = text.substring(0, megabytes * 1_000_000);
        }
        documents = documents(text);
        bytes = text.getBytes(StandardCharsets.UTF_8).length;
        ours = gpt2();
        if ("ours-nocache".equals(impl)) {
            ours = ours.withoutChunkCache();
        }
        jtokkit = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.R50K_BASE);
        System.out.printf("%n[bench] %s: %,d bytes in %,d documents%n", file, bytes, documents.size());
    }

    @Benchmark
    public long encode() {
        long tokens = 0;
        if (impl.startsWith("ours")) {
            for (String d : documents) {
                tokens += ours.encode(d).length;
            }
        } else {
            for (String d : documents) {
                tokens += jtokkit.encodeOrdinary(d).size();
            }
        }
        return tokens;
    }

    /** Our encoder with GPT-2's ranks (JTokkit's r50k_base file) and its end-of-text token. */
    static ByteLevelBpeTokenizer gpt2() throws IOException {
        try (InputStream in = Encoding.class.getResourceAsStream("/com/knuddels/jtokkit/r50k_base.tiktoken")) {
            return TiktokenFormat.read(new String(in.readAllBytes(), StandardCharsets.US_ASCII), "r50k_base.tiktoken",
                    Map.of(Tokenizer.END_OF_TEXT, 50256), PreTokenizer.GPT2);
        }
    }

    /** The text's documents: its blocks between blank lines. */
    static List<String> documents(String text) {
        return new ArrayList<>(List.of(text.split("\n\n")));
    }
}
