package dev.sparklm.tokenizer.cli;

import dev.sparklm.tokenizer.BpeTrainer;
import dev.sparklm.tokenizer.ByteLevelBpeTokenizer;
import dev.sparklm.tokenizer.PreTokenizer;
import dev.sparklm.tokenizer.SpecialTokens;
import dev.sparklm.tokenizer.Tokenizer;
import dev.sparklm.tokenizer.TokenizerFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bin/tokenizer}: train, encode, decode and inspect tokenizers from the command line. */
@Command(name = "tokenizer", mixinStandardHelpOptions = true, version = "sparklm 0.1.0",
        description = "Byte-level BPE (GPT-2 compatible) and character tokenizers.",
        subcommands = {TokenizerCli.Train.class, TokenizerCli.Encode.class, TokenizerCli.Decode.class, TokenizerCli.Inspect.class,
                TokenizerCli.Convert.class})
public final class TokenizerCli {
    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        CommandLine cl = new CommandLine(new TokenizerCli());
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof IllegalArgumentException || e instanceof UncheckedIOException) {
                commandLine.getErr().println("error: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cl.execute(args);
    }

    /** Reads a file, or standard input for "-", as UTF-8; bad bytes become U+FFFD and are reported. */
    static String readText(String file) {
        try {
            byte[] bytes;
            if ("-".equals(file)) {
                bytes = System.in.readAllBytes();
            } else {
                bytes = Files.readAllBytes(Path.of(file));
            }
            TokenizerFiles.DecodedText t = TokenizerFiles.decodeUtf8(bytes);
            if (t.replaced() > 0) {
                System.err.printf("warning: %s: %d invalid UTF-8 sequence(s) replaced by U+FFFD%n", file, t.replaced());
            }
            return t.text();
        } catch (java.nio.file.NoSuchFileException e) {
            throw new UncheckedIOException(file + ": no such file or directory", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    static PrintStream stdout() {
        return new PrintStream(System.out, true, StandardCharsets.UTF_8);
    }

    @Command(name = "train", mixinStandardHelpOptions = true, description = "Trains a byte-level BPE on text files.")
    static final class Train implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", arity = "1..*", description = "UTF-8 text files ('-' for standard input)")
        List<String> files;

        @Option(names = "--vocab-size", defaultValue = "32000", description = "tokens in all, special tokens included (default: ${DEFAULT-VALUE})")
        int vocabSize;

        @Option(names = "--min-frequency", defaultValue = "2", description = "never merge a pair seen fewer times (default: ${DEFAULT-VALUE})")
        long minFrequency;

        @Option(names = "--special", defaultValue = "<|endoftext|>", split = ",", description = "special tokens (default: ${DEFAULT-VALUE})")
        List<String> specials;

        @Option(names = "--pattern", defaultValue = "gpt2", description = "pre-tokenization: gpt2 or cl100k (default: ${DEFAULT-VALUE})")
        String pattern;

        @Option(names = {"-o", "--output"}, required = true, description = "directory for tokenizer.json, vocab.json, merges.txt")
        Path output;

        @Override
        public Integer call() {
            long start = System.nanoTime();
            PreTokenizer pre = PreTokenizer.named(pattern);
            Map<String, Long> counts = new HashMap<>();
            long bytes = 0;
            for (String f : files) {
                String text = readText(f);
                bytes += text.length();
                counts.putAll(mergeCounts(counts, BpeTrainer.countChunks(List.of(text), pre)));
            }
            long counted = System.nanoTime();
            System.err.printf("counted %,d distinct chunks in %,d chars in %.1f s%n", counts.size(), bytes, (counted - start) / 1e9);
            BpeTrainer.Options options = new BpeTrainer.Options(vocabSize, minFrequency, specials, pre);
            ByteLevelBpeTokenizer t = BpeTrainer.train(counts, options, (done, wanted) -> {
                if (done % 5000 == 0) {
                    System.err.printf("  %,d / %,d merges%n", done, wanted);
                }
            });
            TokenizerFiles.save(t, output);
            System.err.printf("trained %,d merges (vocabulary %,d) in %.1f s; wrote %s%n", t.mergeCount(), t.vocabSize(),
                    (System.nanoTime() - counted) / 1e9, output);
            return 0;
        }

        private static Map<String, Long> mergeCounts(Map<String, Long> into, Map<String, Long> add) {
            add.forEach((k, v) -> into.merge(k, v, Long::sum));
            return into;
        }
    }

    @Command(name = "encode", mixinStandardHelpOptions = true, description = "Prints the token ids of a text, space-separated.")
    static final class Encode implements Callable<Integer> {
        @Option(names = {"-t", "--tokenizer"}, required = true, description = "tokenizer.json, a directory, or a .tiktoken file")
        Path tokenizer;

        @Parameters(paramLabel = "FILE", defaultValue = "-", description = "text file, or '-' for standard input (default)")
        String file;

        @Option(names = "--special", defaultValue = "AS_TEXT",
                description = "special-token strings in the text: AS_TEXT, ALLOW or REJECT (default: ${DEFAULT-VALUE})")
        SpecialTokens special;

        @Override
        public Integer call() {
            Tokenizer t = TokenizerFiles.load(tokenizer);
            String text = readText(file);
            int[] ids = t instanceof ByteLevelBpeTokenizer bpe ? bpe.encode(text, special) : t.encode(text);
            StringJoiner out = new StringJoiner(" ");
            for (int id : ids) {
                out.add(Integer.toString(id));
            }
            stdout().println(out);
            return 0;
        }
    }

    @Command(name = "decode", mixinStandardHelpOptions = true, description = "Prints the text of whitespace-separated token ids.")
    static final class Decode implements Callable<Integer> {
        @Option(names = {"-t", "--tokenizer"}, required = true, description = "tokenizer.json, a directory, or a .tiktoken file")
        Path tokenizer;

        @Parameters(paramLabel = "FILE", defaultValue = "-", description = "file of ids, or '-' for standard input (default)")
        String file;

        @Override
        public Integer call() {
            Tokenizer t = TokenizerFiles.load(tokenizer);
            List<Integer> ids = new ArrayList<>();
            for (String s : readText(file).trim().split("\\s+")) {
                if (!s.isEmpty()) {
                    try {
                        ids.add(Integer.parseInt(s));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(file + ": '" + s + "' is not a token id");
                    }
                }
            }
            stdout().print(t.decode(ids.stream().mapToInt(Integer::intValue).toArray()));
            return 0;
        }
    }

    @Command(name = "inspect", mixinStandardHelpOptions = true, description = "Describes a tokenizer and tokenizes a sample.")
    static final class Inspect implements Callable<Integer> {
        @Option(names = {"-t", "--tokenizer"}, required = true, description = "tokenizer.json, a directory, or a .tiktoken file")
        Path tokenizer;

        @Option(names = "--sample", defaultValue = "Hello world! It's 2026: naïve café, 日本語 👍",
                description = "text to tokenize (default: ${DEFAULT-VALUE})")
        String sample;

        @Override
        public Integer call() {
            Tokenizer t = TokenizerFiles.load(tokenizer);
            PrintStream out = stdout();
            out.printf("type:        %s%nvocabulary:  %,d tokens%nfingerprint: %s%n", t.type(), t.vocabSize(), t.fingerprint());
            if (t instanceof ByteLevelBpeTokenizer bpe) {
                out.printf("merges:      %,d%npattern:     %s%nspecial:     %s%n", bpe.mergeCount(), bpe.preTokenizer().name(), bpe.specialTokens());
                StringJoiner first = new StringJoiner(", ");
                for (int r = 0; r < Math.min(10, bpe.mergeCount()); r++) {
                    first.add(show(t, bpe.merge(r)[2]));
                }
                out.println("first merges: " + first);
            }
            int[] ids = t.encode(sample);
            StringJoiner pieces = new StringJoiner(" | ");
            for (int id : ids) {
                pieces.add(id + ":" + show(t, id));
            }
            out.printf("sample:      %s%n%d tokens:   %s%n", sample, ids.length, pieces);
            return 0;
        }

        private static String show(Tokenizer t, int id) {
            return "'" + t.decode(id).replace("\n", "\\n").replace("\t", "\\t") + "'";
        }
    }

    @Command(name = "convert", mixinStandardHelpOptions = true,
            description = "Writes a tokenizer (e.g. a .tiktoken rank file) as tokenizer.json, vocab.json and merges.txt.")
    static final class Convert implements Callable<Integer> {
        @Option(names = {"-t", "--tokenizer"}, required = true, description = "tokenizer.json, a directory, or a .tiktoken file")
        Path tokenizer;

        @Option(names = "--special", split = ",", description = "special tokens with their ids for rank files, e.g. '<|endoftext|>=50256'")
        Map<String, Integer> specials = new HashMap<>();

        @Option(names = {"-o", "--output"}, required = true, description = "output directory")
        Path output;

        @Override
        public Integer call() {
            Tokenizer t = tokenizer.toString().endsWith(".tiktoken")
                    ? dev.sparklm.tokenizer.TiktokenFormat.read(readText(tokenizer.toString()), tokenizer.toString(), specials, PreTokenizer.GPT2)
                    : TokenizerFiles.load(tokenizer);
            TokenizerFiles.save(t, output);
            System.err.printf("wrote %s (%s, vocabulary %,d)%n", output, t.type(), t.vocabSize());
            return 0;
        }
    }
}
