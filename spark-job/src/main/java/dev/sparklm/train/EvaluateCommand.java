package dev.sparklm.train;

import dev.sparklm.io.CommandLineJobs;
import dev.sparklm.io.HadoopFiles;
import dev.sparklm.model.LanguageModels;
import dev.sparklm.tokenizer.TokenizerFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.conf.RNNFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Loss, perplexity and bits per byte of a checkpoint on a text file: the text is tokenized with
 * the checkpoint's tokenizer and cut into windows of context + 1 ids overlapping by one, so every
 * id after the first is predicted exactly once (the ids after the last whole window are not).
 * Bits per byte compare models with different tokenizers.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true, version = CommandLineJobs.VERSION, sortOptions = false,
        description = {"Evaluates a checkpoint: loss, perplexity and bits per byte on a text file (on the driver)",
                "or on a split of preprocessed shards (on the executors)."})
public final class EvaluateCommand implements Callable<Integer> {
    @Mixin
    CheckpointOption checkpoint = new CheckpointOption();

    @picocli.CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--text", paramLabel = "FILE", description = "UTF-8 text file; any Hadoop URI")
        String text;

        @Option(names = "--data", paramLabel = "DIR", description = "preprocessed shards (a preprocess output)")
        String data;
    }

    @Option(names = "--split", defaultValue = "validation",
            description = "split of --data: train, validation or test (default: ${DEFAULT-VALUE})")
    String split;

    @Option(names = "--batch", defaultValue = "32", description = "windows per forward pass (default: ${DEFAULT-VALUE})")
    int batch;

    public static void main(String[] args) {
        System.exit(CommandLineJobs.execute(new EvaluateCommand(), args));
    }

    /** What an evaluation measured. */
    public record Result(double loss, long tokens, long bytes, long replacedBytes) {
        public double perplexity() {
            return Math.exp(loss);
        }

        public double bitsPerByte() {
            return ValidationEvaluator.bitsPerByte(loss, tokens, bytes);
        }
    }

    @Override
    public Integer call() {
        Configuration conf = new Configuration();
        CheckpointStore.Checkpoint c;
        Result r;
        String on;
        if (source.data != null) {
            org.apache.spark.sql.SparkSession spark = dev.sparklm.io.SparkSessions.getOrCreate("sparklm-evaluate");
            try {
                c = checkpoint.load(spark.sparkContext().hadoopConfiguration());
                r = evaluateShards(spark, c, source.data, split, batch);
            } finally {
                spark.stop();
            }
            on = source.data + " (" + split + ")";
        } else {
            c = checkpoint.load(conf);
            r = evaluate(c, readBytes(new Path(source.text), conf), batch);
            on = source.text;
        }
        System.out.printf("checkpoint %s (step %d) on %s:%n  loss %.4f nats/token, perplexity %.3f, %.4f bits/byte"
                        + " over %,d tokens (%,d bytes)%s%n", c.path(), c.state().step(), on, r.loss(), r.perplexity(),
                r.bitsPerByte(), r.tokens(), r.bytes(),
                r.replacedBytes() > 0 ? String.format("; %d invalid UTF-8 sequences read as U+FFFD", r.replacedBytes()) : "");
        return 0;
    }

    static byte[] readBytes(Path path, Configuration conf) {
        try (InputStream in = HadoopFiles.fs(path, conf).open(path)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /** On a split of preprocessed shards, on the executors; the shards must use the checkpoint's tokenizer. */
    public static Result evaluateShards(org.apache.spark.sql.SparkSession spark, CheckpointStore.Checkpoint c,
                                        String data, String split, int batchSize) {
        var sc = org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext());
        ShardedCorpus corpus = ShardedCorpus.open(data, sc.hadoopConfiguration());
        if (!corpus.tokenizer().fingerprint().equals(c.tokenizer().fingerprint())) {
            throw new dev.sparklm.io.JobConfigException(data + " was preprocessed with tokenizer "
                    + corpus.tokenizer().fingerprint() + ", the checkpoint " + c.path() + " uses "
                    + c.tokenizer().fingerprint());
        }
        var windows = corpus.windows(spark, split).persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK_SER());
        try {
            ValidationEvaluator.Result v = ValidationEvaluator.evaluate(sc, c.network(), windows, batchSize,
                    c.tokenizer().vocabSize(), true);
            return new Result(v.loss(), v.tokens(), corpus.targetBytes(sc, windows), 0);
        } finally {
            windows.unpersist(false);
        }
    }

    public static Result evaluate(CheckpointStore.Checkpoint c, byte[] utf8, int batchSize) {
        TokenizerFiles.DecodedText decoded = TokenizerFiles.decodeUtf8(utf8);
        int[] ids = c.tokenizer().encode(decoded.text());
        int context = c.state().context();
        List<int[]> windows = new ArrayList<>();
        for (int start = 0; start + context < ids.length; start += context) {
            windows.add(Arrays.copyOfRange(ids, start, start + context + 1));
        }
        if (windows.isEmpty()) {
            throw new IllegalArgumentException("the text has " + ids.length + " tokens: fewer than one window of "
                    + (context + 1));
        }
        RNNFormat format = LanguageModels.outputFormat(c.network());
        double nll = 0;
        long tokens = 0;
        long bytes = 0;
        for (int i = 0; i < windows.size(); i += batchSize) {
            List<int[]> chunk = windows.subList(i, Math.min(windows.size(), i + batchSize));
            nll += ValidationEvaluator.negativeLogLikelihood(c.network(), SequenceBatches.toDataSet(chunk, c.tokenizer().vocabSize(), format));
            for (int[] w : chunk) {
                tokens += context;
                bytes += c.tokenizer().textBytes(w, 1, w.length);
            }
        }
        return new Result(nll / tokens, tokens, bytes, decoded.replaced());
    }
}
