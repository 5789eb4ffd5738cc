package dev.sparklm.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.sparklm.io.CommandLineJobs;
import dev.sparklm.shards.ShardManifest;
import dev.sparklm.tokenizer.ByteLevelBpeTokenizer;
import dev.sparklm.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The jobs' outputs as JSON on standard output, for notebooks and scripts that cannot read
 * Parquet or a DL4J checkpoint themselves (Debian has no pyarrow): Parquet rows, a tokenizer
 * and how it cuts the validation text, a checkpoint's samples and per-token losses. The formats
 * are read here, by the code that writes them, and nowhere else.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true, version = CommandLineJobs.VERSION,
        description = "Prints the jobs' outputs as JSON (for notebooks).",
        subcommands = {InspectCommand.Parquet.class, InspectCommand.TokenizerReport.class, InspectCommand.Model.class})
public final class InspectCommand implements Callable<Integer> {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public static void main(String[] args) {
        System.exit(CommandLineJobs.execute(new InspectCommand(), args));
    }

    @Override
    public Integer call() {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                "name what to inspect: parquet, tokenizer or model (see --help)");
    }

    static void print(Object value) {
        try {
            PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
            out.println(JSON.writeValueAsString(value));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Command(name = "parquet", mixinStandardHelpOptions = true,
            description = "Rows of a Parquet file or directory (dropped-sample/, quarantine/, shards), read without Spark.")
    static final class Parquet implements Callable<Integer> {
        @Option(names = "--path", required = true, description = "a Parquet file or directory; any Hadoop URI")
        String path;

        @Option(names = "--limit", defaultValue = "50", description = "rows at most (default: ${DEFAULT-VALUE})")
        int limit;

        @Option(names = "--per", paramLabel = "COLUMN", description = "at most --limit rows for each value of this column (values in text order)")
        String per;

        @Option(names = "--max-chars", defaultValue = "2000", description = "strings cut to this many characters (default: ${DEFAULT-VALUE})")
        int maxChars;

        @Override
        public Integer call() {
            print(ParquetRows.read(path, limit, per, maxChars, new Configuration()));
            return 0;
        }
    }

    @Command(name = "tokenizer", mixinStandardHelpOptions = true,
            description = "A preprocessing output's tokenizer: vocabulary, merges, longest tokens, and how it cuts the validation text (against GPT-2's).")
    static final class TokenizerReport implements Callable<Integer> {
        @Option(names = "--data", required = true, description = "a preprocessing output directory; any Hadoop URI")
        String data;

        @Option(names = "--windows", defaultValue = "2000", description = "validation windows to measure at most (default: ${DEFAULT-VALUE})")
        int windows;

        @Option(names = "--top", defaultValue = "20", description = "longest tokens and first merges to list (default: ${DEFAULT-VALUE})")
        int top;

        @Override
        public Integer call() {
            print(report(new Configuration(), data, windows, top));
            return 0;
        }

        static Map<String, Object> report(Configuration conf, String data, int maxWindows, int top) {
            ShardedCorpus corpus = ShardedCorpus.open(data, conf);
            Tokenizer tok = corpus.tokenizer();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("type", tok.type());
            out.put("vocab_size", tok.vocabSize());
            out.put("fingerprint", tok.fingerprint());
            out.put("context", corpus.context());
            List<Map<String, Object>> longest = IntStream.range(0, tok.vocabSize()).boxed()
                    .filter(id -> id != tok.endOfTextId() && !(tok instanceof ByteLevelBpeTokenizer b && b.isSpecial(id)))
                    .sorted(Comparator.comparingLong((Integer id) -> -textBytes(tok, id)).thenComparing(id -> id))
                    .limit(top)
                    .map(id -> token(tok, id))
                    .toList();
            out.put("longest_tokens", longest);
            if (tok instanceof ByteLevelBpeTokenizer bpe) {
                out.put("merges", bpe.mergeCount());
                List<Map<String, Object>> first = new ArrayList<>();
                for (int rank = 0; rank < Math.min(top, bpe.mergeCount()); rank++) {
                    int[] pair = bpe.merge(rank);
                    first.add(Map.of("rank", rank, "left", tok.decode(pair[0]),
                            "right", tok.decode(pair[1])));
                }
                out.put("first_merges", first);
                out.put("special_tokens", bpe.specialTokens());
            } else {
                out.put("merges", 0);
            }

            // The validation text: each window's targets (ids after the first), so overlapping
            // windows count every id once, as training does.
            List<int[]> windows = corpus.firstWindows(ShardManifest.VALIDATION, maxWindows, conf);
            long tokens = 0;
            long bytes = 0;
            long gpt2Tokens = 0;
            Encoding gpt2 = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.R50K_BASE);
            int endOfText = tok.endOfTextId();
            for (int[] w : windows) {
                tokens += w.length - 1;
                bytes += tok.textBytes(w, 1, w.length);
                // GPT-2 reads the same text; each document end is one token for it too.
                int from = 1;
                for (int i = 1; i <= w.length; i++) {
                    if (i == w.length || w[i] == endOfText) {
                        if (i > from) {
                            gpt2Tokens += gpt2.countTokensOrdinary(tok.decode(java.util.Arrays.copyOfRange(w, from, i)));
                        }
                        if (i < w.length) {
                            gpt2Tokens++;
                        }
                        from = i + 1;
                    }
                }
            }
            Map<String, Object> validation = new LinkedHashMap<>();
            validation.put("windows", windows.size());
            validation.put("tokens", tokens);
            validation.put("bytes", bytes);
            validation.put("bytes_per_token", tokens == 0 ? null : (double) bytes / tokens);
            validation.put("gpt2_tokens", gpt2Tokens);
            validation.put("gpt2_bytes_per_token", gpt2Tokens == 0 ? null : (double) bytes / gpt2Tokens);
            out.put("validation", validation);
            if (!windows.isEmpty()) {
                int[] w = windows.get(0);
                out.put("sample", IntStream.range(1, Math.min(w.length, 97)).mapToObj(i -> token(tok, w[i])).toList());
            }
            return out;
        }

        static Map<String, Object> token(Tokenizer tok, int id) {
            return Map.of("id", id, "text", tok.decode(id), "bytes", textBytes(tok, id));
        }

        /** The UTF-8 bytes of the text a token stands for (0 for <|endoftext|>). */
        static long textBytes(Tokenizer tok, int id) {
            return tok.textBytes(new int[] {id}, 0, 1);
        }
    }

    @Command(name = "model", mixinStandardHelpOptions = true,
            description = "A checkpoint: its state, samples for each prompt and setting, and per-token losses of given texts.")
    static final class Model implements Callable<Integer> {
        @Mixin
        CheckpointOption checkpoint = new CheckpointOption();

        @Option(names = "--prompt", description = "prompts to continue (repeatable)")
        List<String> prompts = new ArrayList<>();

        @Option(names = "--temperature", split = ",", defaultValue = "0.8", description = "temperatures, comma-separated (default: ${DEFAULT-VALUE})")
        List<Double> temperatures;

        @Option(names = "--max-tokens", defaultValue = "100", description = "(default: ${DEFAULT-VALUE})")
        int maxTokens;

        @Mixin
        SamplingOptions sampling = new SamplingOptions();

        @Option(names = "--score", description = "texts to score token by token (repeatable)")
        List<String> scores = new ArrayList<>();

        @Override
        public Integer call() {
            sampling.check(maxTokens, temperatures);
            print(report(checkpoint.load(new Configuration()), prompts, temperatures, sampling.topK, sampling.topP,
                    maxTokens, sampling.seed, scores));
            return 0;
        }

        static Map<String, Object> report(CheckpointStore.Checkpoint c, List<String> prompts, List<Double> temperatures,
                                          int topK, double topP, int maxTokens, long seed, List<String> scores) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("checkpoint", c.path().toString());
            try {
                out.put("state", JSON.readTree(c.state().toJson()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            out.put("parameters", c.network().numParams());
            TextGenerator generator = new TextGenerator(c.network(), c.tokenizer(), c.state().context());
            List<Map<String, Object>> samples = new ArrayList<>();
            for (String prompt : prompts) {
                for (double t : temperatures) {
                    StringBuilder text = new StringBuilder();
                    generator.generate(prompt, maxTokens, t, topK, topP, seed, true, text::append);
                    Map<String, Object> s = new LinkedHashMap<>();
                    s.put("prompt", prompt);
                    s.put("temperature", t);
                    s.put("top_k", topK);
                    s.put("top_p", topP);
                    s.put("text", text.toString());
                    samples.add(s);
                }
            }
            out.put("samples", samples);
            TokenScorer scorer = new TokenScorer(c.network(), c.tokenizer(), c.state().context());
            List<Map<String, Object>> scored = new ArrayList<>();
            for (String text : scores) {
                TokenScorer.Scored s = scorer.score(text);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("text", text);
                m.put("loss", s.loss());
                m.put("perplexity", s.perplexity());
                m.put("truncated", s.truncated());
                m.put("tokens", s.tokens().stream().map(k -> Map.of("id", k.id(), "text", k.text(), "loss", k.loss())).toList());
                scored.add(m);
            }
            out.put("scores", scored);
            return out;
        }
    }
}
