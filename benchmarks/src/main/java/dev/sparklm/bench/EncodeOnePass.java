package dev.sparklm.bench;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.sparklm.tokenizer.ByteLevelBpeTokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.ToIntFunction;

/**
 * The encode speed a user gets: one pass over text the encoder has not seen, with a new encoder
 * (an empty chunk cache), in a JVM whose JIT was warmed on other text. JMH's figures
 * (EncodeBenchmark) encode the same text again and again, so the cache holds every chunk after
 * the first pass. Usage: EncodeOnePass TEXT_FILE [WARM_MB=5] [MEASURED_MB=20]: the first WARM_MB
 * warm up the JIT (three passes per encoder and thread count, encoders thrown away after), the
 * next MEASURED_MB are measured once, split into documents at blank lines and dealt to 1 or 2
 * threads.
 */
public final class EncodeOnePass {
    public static void main(String[] args) throws Exception {
        String text = Files.readString(Path.of(args[0]), StandardCharsets.UTF_8);
        int warmChars = (args.length > 1 ? Integer.parseInt(args[1]) : 5) * 1_000_000;
        int measuredChars = (args.length > 2 ? Integer.parseInt(args[2]) : 20) * 1_000_000;
        List<String> warm = EncodeBenchmark.documents(text.substring(0, Math.min(text.length(), warmChars)));
        List<String> fresh = EncodeBenchmark.documents(text.substring(Math.min(text.length(), warmChars),
                Math.min(text.length(), warmChars + measuredChars)));
        long bytes = fresh.stream().mapToLong(d -> d.getBytes(StandardCharsets.UTF_8).length).sum();
        System.out.printf("[bench] %s: warm-up %,d documents, measured %,d documents, %,d bytes%n",
                args[0], warm.size(), fresh.size(), bytes);
        Encoding jtokkit = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.R50K_BASE);
        // JIT warm-up on other text, three passes of every encoder on 1 and 2 threads, each with
        // an encoder (and cache) thrown away after.
        for (int pass = 0; pass < 3; pass++) {
            for (String impl : List.of("jtokkit", "ours", "ours-nocache")) {
                for (int threads = 1; threads <= 2; threads++) {
                    run(encoder(impl, jtokkit), warm, threads);
                }
            }
        }
        for (int threads = 1; threads <= 2; threads++) {
            double base = 0;
            for (String impl : List.of("jtokkit", "ours", "ours-nocache")) {
                ToIntFunction<String> encoder = encoder(impl, jtokkit);
                long start = System.nanoTime();
                long tokens = run(encoder, fresh, threads);
                double seconds = (System.nanoTime() - start) / 1e9;
                double mbs = bytes / 1e6 / seconds;
                if (impl.equals("jtokkit")) {
                    base = mbs;
                }
                System.out.printf("threads %d  %-13s %7.1f MB/s  (%.2fx JTokkit)  %,d tokens in %.2f s%n",
                        threads, impl, mbs, mbs / base, tokens, seconds);
            }
        }
    }

    static ToIntFunction<String> encoder(String impl, Encoding jtokkit) throws IOException {
        if (impl.equals("jtokkit")) {
            return d -> jtokkit.encodeOrdinary(d).size();
        }
        ByteLevelBpeTokenizer ours = EncodeBenchmark.gpt2();
        ByteLevelBpeTokenizer encoder = impl.equals("ours-nocache") ? ours.withoutChunkCache() : ours;
        return d -> encoder.encode(d).length;
    }

    /** Encodes every document once, document i on thread i mod threads; returns the token count. */
    static long run(ToIntFunction<String> encoder, List<String> docs, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Long>> parts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t;
                parts.add(pool.submit(() -> {
                    long n = 0;
                    for (int i = first; i < docs.size(); i += threads) {
                        n += encoder.applyAsInt(docs.get(i));
                    }
                    return n;
                }));
            }
            long tokens = 0;
            for (Future<Long> p : parts) {
                tokens += p.get();
            }
            return tokens;
        } finally {
            pool.shutdown();
        }
    }
}
