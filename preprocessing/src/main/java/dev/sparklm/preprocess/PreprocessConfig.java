package dev.sparklm.preprocess;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import dev.sparklm.io.JobConfigException;
import dev.sparklm.io.JobConfigLoader;
import dev.sparklm.shards.ShardManifest;
import dev.sparklm.preprocess.clean.HtmlToText;
import dev.sparklm.preprocess.clean.PiiRedactor;
import dev.sparklm.preprocess.clean.TextNormalizer;
import dev.sparklm.preprocess.clean.WikiMarkup;
import dev.sparklm.preprocess.dedup.Deduplication;
import dev.sparklm.preprocess.filter.C4Filter;
import dev.sparklm.preprocess.filter.GopherQualityFilter;
import dev.sparklm.preprocess.filter.GopherRepetitionFilter;
import dev.sparklm.preprocess.filter.LanguageFilter;
import dev.sparklm.preprocess.filter.LengthFilter;
import dev.sparklm.preprocess.read.ReaderOptions;
import dev.sparklm.tokenizer.Tokenizer;
import java.io.File;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every setting of the preprocessing job, typed and validated; defaults and their meaning are
 * in conf/preprocess.conf. {@link #stages()} turns the clean and filter settings into the
 * pipeline's per-document stages, in their fixed order.
 */
public record PreprocessConfig(
        String input,
        ReaderOptions reader,
        String output,
        Clean clean,
        Filters filters,
        Deduplication.Options dedup,
        Split split,
        String tokenizerType,
        String tokenizerFile,
        BpeOptions bpe,
        int context,
        long tokensPerShard,
        boolean exportTokenFiles,
        int droppedSampleSize,
        String rendered) implements Serializable {

    public static final String ROOT = "preprocess";

    /** @param html / wikiMarkup whether those stages run ("auto" resolved against the input format) */
    public record Clean(boolean html, boolean wikiMarkup, boolean nfkc, boolean whitespace, boolean lowercase,
                        boolean pii) implements Serializable {}

    /** A null option is a filter turned off. */
    public record Filters(int minDocumentChars, LanguageOptions language, GopherRepetitionFilter.Options gopherRepetition,
                          GopherQualityFilter.Options gopherQuality, C4Filter.Options c4) implements Serializable {}

    public record LanguageOptions(List<String> allowed, double minConfidence, int maxChars) implements Serializable {}

    /**
     * @param validationInput a file, directory or glob whose documents all go to validation ("" = none)
     * @param testInput       the same for the test split
     */
    public record Split(double validationFraction, double testFraction, long seed, String validationInput,
                        String testInput) implements Serializable {
        /** The held-out inputs that are set, by split name (validation first). */
        public Map<String, String> heldOutInputs() {
            Map<String, String> inputs = new java.util.LinkedHashMap<>();
            if (!validationInput.isBlank()) {
                inputs.put(ShardManifest.VALIDATION, validationInput);
            }
            if (!testInput.isBlank()) {
                inputs.put(ShardManifest.TEST, testInput);
            }
            return inputs;
        }

        /** Whether the output has a test split: a share of the input, or a test input. */
        public boolean hasTest() {
            return testFraction > 0 || !testInput.isBlank();
        }
    }

    /** The byte-level BPE's training settings (used when tokenizer.type is "bpe"). */
    public record BpeOptions(int vocabSize, long minPairFrequency, long minChunkFrequency, long maxChunks, String pattern,
                             List<String> specialTokens) implements Serializable {}

    public static PreprocessConfig load(Optional<File> file, Map<String, String> overrides) {
        return from(JobConfigLoader.load("preprocess.conf", ROOT, file, overrides));
    }

    public ReaderOptions.Format inputFormat() {
        return reader.format();
    }

    /** The per-document stages in pipeline order: clean, filter, then PII redaction of what is kept. */
    public List<DocumentStage> stages() {
        List<DocumentStage> s = new ArrayList<>();
        if (clean.html()) {
            s.add(new HtmlToText());
        }
        if (clean.wikiMarkup()) {
            s.add(new WikiMarkup());
        }
        s.add(new TextNormalizer(clean.nfkc(), clean.whitespace(), clean.lowercase()));
        s.add(new LengthFilter(filters.minDocumentChars()));
        if (filters.language() != null) {
            LanguageOptions l = filters.language();
            s.add(new LanguageFilter(l.allowed(), l.minConfidence(), l.maxChars()));
        }
        if (filters.gopherRepetition() != null) {
            s.add(new GopherRepetitionFilter(filters.gopherRepetition()));
        }
        if (filters.gopherQuality() != null) {
            s.add(new GopherQualityFilter(filters.gopherQuality()));
        }
        if (filters.c4() != null) {
            s.add(new C4Filter(filters.c4()));
        }
        if (clean.pii()) {
            s.add(new PiiRedactor());
        }
        return s;
    }

    public static PreprocessConfig from(Config c) {
        JobConfigLoader.Reader r = new JobConfigLoader.Reader(c, ROOT);
        String input = r.string("input");
        String output = r.string("output");
        if (input.isBlank()) {
            throw new JobConfigException(ROOT + ".input is empty: give a file, directory or glob");
        }
        if (output.isBlank()) {
            throw new JobConfigException(ROOT + ".output is empty");
        }
        ReaderOptions.Format format = ReaderOptions.Format.of(r.oneOf("input-format", ReaderOptions.Format.keys()));
        String textField = r.string("fields.text");
        if (textField.isBlank()) {
            throw new JobConfigException(ROOT + ".fields.text is empty: name the field or column holding the text");
        }
        ReaderOptions reader = new ReaderOptions(format, textField, r.string("fields.id"), r.strings("fields.metadata"),
                r.longValue("max-document-bytes", 1, Integer.MAX_VALUE - 16));
        Clean clean = new Clean(
                auto(r, "clean.html", format == ReaderOptions.Format.HTML),
                auto(r, "clean.wiki-markup", format == ReaderOptions.Format.MEDIAWIKI),
                r.bool("clean.nfkc"), r.bool("clean.whitespace"), r.bool("clean.lowercase"), r.bool("clean.pii"));
        double val = r.number("split.validation-fraction", 0.0, 0.5);
        double test = r.number("split.test-fraction", 0.0, 0.5);
        if (val + test >= 1.0) {
            throw new JobConfigException(ROOT + ".split: validation-fraction + test-fraction must leave documents to train on");
        }
        return new PreprocessConfig(
                input,
                reader,
                output,
                clean,
                filters(r),
                dedup(r),
                new Split(val, test, r.longValue("split.seed", Long.MIN_VALUE, Long.MAX_VALUE), r.string("split.validation-input"),
                        r.string("split.test-input")),
                r.oneOf("tokenizer.type", "char", "bpe"),
                r.string("tokenizer.file"),
                bpeOptions(r),
                r.integer("context", 2, 1 << 20),
                r.longValue("tokens-per-shard", 1_000, Long.MAX_VALUE),
                r.bool("export.token-files"),
                r.integer("report.dropped-sample-size", 0, 100_000),
                c.root().render(ConfigRenderOptions.concise().setFormatted(true)));
    }

    private static boolean auto(JobConfigLoader.Reader r, String key, boolean whenAuto) {
        return switch (r.oneOf(key, "auto", "on", "off")) {
            case "on" -> true;
            case "off" -> false;
            default -> whenAuto;
        };
    }

    private static Filters filters(JobConfigLoader.Reader r) {
        String f = "filters.";
        LanguageOptions language = !r.bool(f + "language.enabled") ? null : new LanguageOptions(
                r.strings(f + "language.allowed"), r.number(f + "language.min-confidence", 0, 1),
                r.integer(f + "language.max-chars", 10, Integer.MAX_VALUE));
        if (language != null && language.allowed().isEmpty()) {
            throw new JobConfigException(ROOT + ".filters.language.allowed is empty: list ISO 639-3 codes such as \"eng\", "
                    + "or set filters.language.enabled = false");
        }
        String unknown = language == null ? null : LanguageFilter.unknownLanguages(language.allowed());
        if (unknown != null) {
            throw new JobConfigException(ROOT + ".filters.language.allowed: " + unknown);
        }
        String g = f + "gopher-repetition.";
        GopherRepetitionFilter.Options repetition = !r.bool(g + "enabled") ? null : new GopherRepetitionFilter.Options(
                r.number(g + "max-duplicate-line-fraction", 0, 1), r.number(g + "max-duplicate-paragraph-fraction", 0, 1),
                r.number(g + "max-duplicate-line-char-fraction", 0, 1),
                r.number(g + "max-duplicate-paragraph-char-fraction", 0, 1),
                doubles(r.numbers(g + "max-top-ngram-char-fraction", 3, 0, 1)),
                doubles(r.numbers(g + "max-duplicate-ngram-char-fraction", 6, 0, 1)));
        String q = f + "gopher-quality.";
        GopherQualityFilter.Options quality = !r.bool(q + "enabled") ? null : new GopherQualityFilter.Options(
                r.integer(q + "min-words", 0, Integer.MAX_VALUE), r.integer(q + "max-words", 1, Integer.MAX_VALUE),
                r.number(q + "min-mean-word-length", 0, 1000), r.number(q + "max-mean-word-length", 0, 1_000_000),
                r.number(q + "max-symbol-word-ratio", 0, 1_000_000), r.number(q + "max-bullet-line-fraction", 0, 1),
                r.number(q + "max-ellipsis-line-fraction", 0, 1), r.number(q + "min-alphabetic-word-fraction", 0, 1),
                r.integer(q + "min-stop-words", 0, GopherQualityFilter.STOP_WORD_COUNT));
        String k = f + "c4.";
        C4Filter.Options c4 = !r.bool(k + "enabled") ? null : new C4Filter.Options(
                r.bool(k + "terminal-punctuation"), r.integer(k + "min-words-per-line", 0, 1000),
                r.integer(k + "max-word-length", 1, Integer.MAX_VALUE), r.bool(k + "javascript"), r.bool(k + "policy"),
                r.bool(k + "lorem-ipsum"), r.bool(k + "curly-brace"), r.integer(k + "min-sentences", 0, 1_000_000));
        return new Filters(r.integer(f + "min-document-chars", 0, Integer.MAX_VALUE), language, repetition, quality, c4);
    }

    private static Deduplication.Options dedup(JobConfigLoader.Reader r) {
        String n = "dedup.near.";
        return new Deduplication.Options(r.bool("dedup.exact"), r.bool(n + "enabled"),
                r.integer(n + "shingle-size", 1, 100), r.integer(n + "bands", 1, 1000), r.integer(n + "rows", 1, 1000),
                r.number(n + "threshold", 0.01, 1.0), r.integer(n + "max-rounds", 1, 1000),
                r.longValue(n + "seed", Long.MIN_VALUE, Long.MAX_VALUE));
    }

    private static double[] doubles(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static BpeOptions bpeOptions(JobConfigLoader.Reader r) {
        List<String> specials = r.strings("tokenizer.bpe.special-tokens");
        if (!specials.contains(Tokenizer.END_OF_TEXT)) {
            throw new JobConfigException(ROOT + ".tokenizer.bpe.special-tokens must include "
                    + Tokenizer.END_OF_TEXT + " (it separates documents)");
        }
        int vocab = r.integer("tokenizer.bpe.vocab-size", 256 + specials.size(), 1 << 22);
        return new BpeOptions(vocab, r.longValue("tokenizer.bpe.min-pair-frequency", 1, Long.MAX_VALUE),
                r.longValue("tokenizer.bpe.min-chunk-frequency", 1, Long.MAX_VALUE),
                r.longValue("tokenizer.bpe.max-chunks", 1000, Integer.MAX_VALUE),
                r.oneOf("tokenizer.bpe.pattern", "gpt2", "cl100k"), specials);
    }
}
