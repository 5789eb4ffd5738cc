package dev.sparklm.preprocess;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import dev.sparklm.io.JobConfigLoader;
import java.io.File;
import java.io.Serializable;
import java.util.Map;
import java.util.Optional;

/** Every setting of the preprocessing job, typed and validated; defaults in conf/preprocess.conf. */
public record PreprocessConfig(
        String input,
        InputFormat inputFormat,
        String output,
        boolean nfkc,
        boolean normalizeWhitespace,
        int minDocumentChars,
        double validationFraction,
        long splitSeed,
        String validationInput,
        String tokenizerType,
        BpeOptions bpe,
        int context,
        long tokensPerShard,
        String rendered) implements Serializable {

    public static final String ROOT = "preprocess";

    /** The byte-level BPE's training settings (used when tokenizer.type is "bpe"). */
    public record BpeOptions(int vocabSize, long minPairFrequency, long minChunkFrequency, String pattern,
                             java.util.List<String> specialTokens) implements Serializable {}

    /** How documents are delimited in the input files. */
    public enum InputFormat {
        BLANK_LINE("blank-line"), LINE("line"), FILE("file");

        final String key;

        InputFormat(String key) {
            this.key = key;
        }

        static InputFormat of(String key) {
            for (InputFormat f : values()) {
                if (f.key.equals(key)) {
                    return f;
                }
            }
            throw new IllegalArgumentException(key);
        }

        @Override
        public String toString() {
            return key;
        }
    }

    public static PreprocessConfig load(Optional<File> file, Map<String, String> overrides) {
        return from(JobConfigLoader.load("preprocess.conf", ROOT, file, overrides));
    }

    private static BpeOptions bpeOptions(Config c, JobConfigLoader.Reader r) {
        java.util.List<String> specials;
        try {
            specials = c.getStringList("tokenizer.bpe.special-tokens");
        } catch (com.typesafe.config.ConfigException e) {
            throw new dev.sparklm.io.JobConfigException(ROOT + ".tokenizer.bpe.special-tokens: " + e.getMessage());
        }
        if (!specials.contains(dev.sparklm.tokenizer.Tokenizer.END_OF_TEXT)) {
            throw new dev.sparklm.io.JobConfigException(ROOT + ".tokenizer.bpe.special-tokens must include "
                    + dev.sparklm.tokenizer.Tokenizer.END_OF_TEXT + " (it separates documents)");
        }
        int vocab = r.integer("tokenizer.bpe.vocab-size", 256 + specials.size(), 1 << 22);
        return new BpeOptions(vocab, r.longValue("tokenizer.bpe.min-pair-frequency", 1, Long.MAX_VALUE),
                r.longValue("tokenizer.bpe.min-chunk-frequency", 1, Long.MAX_VALUE),
                r.oneOf("tokenizer.bpe.pattern", "gpt2", "cl100k"), java.util.List.copyOf(specials));
    }

    public static PreprocessConfig from(Config c) {
        JobConfigLoader.Reader r = new JobConfigLoader.Reader(c, ROOT);
        String input = r.string("input");
        String output = r.string("output");
        if (input.isBlank()) {
            throw new dev.sparklm.io.JobConfigException(ROOT + ".input is empty: give a file, directory or glob");
        }
        if (output.isBlank()) {
            throw new dev.sparklm.io.JobConfigException(ROOT + ".output is empty");
        }
        return new PreprocessConfig(
                input,
                InputFormat.of(r.oneOf("input-format", "blank-line", "line", "file")),
                output,
                r.bool("normalize.nfkc"),
                r.bool("normalize.whitespace"),
                r.integer("min-document-chars", 1, Integer.MAX_VALUE),
                r.number("split.validation-fraction", 0.0, 0.5),
                r.longValue("split.seed", Long.MIN_VALUE, Long.MAX_VALUE),
                r.string("split.validation-input"),
                r.oneOf("tokenizer.type", "char", "bpe"),
                bpeOptions(c, r),
                r.integer("context", 2, 1 << 20),
                r.longValue("tokens-per-shard", 1_000, Long.MAX_VALUE),
                c.root().render(ConfigRenderOptions.concise().setFormatted(true)));
    }
}
