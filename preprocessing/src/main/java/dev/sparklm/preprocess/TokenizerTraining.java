package dev.sparklm.preprocess;

import dev.sparklm.tokenizer.BpeTrainer;
import dev.sparklm.tokenizer.CharTokenizer;
import dev.sparklm.tokenizer.PreTokenizer;
import dev.sparklm.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * Trains the tokenizer on the training split. The corpus never reaches the driver: executors
 * reduce it to what training needs (the alphabet, or pre-tokenized chunk counts), and the
 * driver's memory is bounded by the number of distinct chunks, which is reported.
 */
final class TokenizerTraining {
    private static final Logger LOG = LoggerFactory.getLogger(TokenizerTraining.class);

    /**
     * @param distinctChunks chunks the BPE learned from (0 unless trained here)
     * @param minChunkCount  the count floor they passed
     */
    record Result(Tokenizer tokenizer, long distinctChunks, long minChunkCount) {}

    private TokenizerTraining() {}

    static Result train(JavaRDD<String> trainDocuments, PreprocessConfig cfg, org.apache.hadoop.conf.Configuration conf) {
        if (!cfg.tokenizerFile().isBlank()) {
            org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(cfg.tokenizerFile());
            String json;
            try {
                json = dev.sparklm.io.HadoopFiles.readString(file, conf);
            } catch (RuntimeException e) {
                throw new dev.sparklm.io.JobConfigException("cannot read preprocess.tokenizer.file " + file + ": " + e.getMessage());
            }
            Tokenizer t = dev.sparklm.tokenizer.TokenizerJson.read(json, file.toString());
            LOG.info("tokenizer: {} from {} (not trained)", t.type(), file);
            return new Result(t, 0, 0);
        }
        return "bpe".equals(cfg.tokenizerType()) ? trainBpe(trainDocuments, cfg.bpe()) : trainChar(trainDocuments);
    }

    private static Result trainChar(JavaRDD<String> docs) {
        List<Integer> codePoints = docs.mapPartitions(it -> {
            Set<Integer> seen = new HashSet<>();
            it.forEachRemaining(d -> d.codePoints().forEach(seen::add));
            return seen.iterator();
        }).distinct().collect();
        return new Result(CharTokenizer.fromCodePoints(codePoints.stream().mapToInt(Integer::intValue)), 0, 0);
    }

    private static Result trainBpe(JavaRDD<String> docs, PreprocessConfig.BpeOptions o) {
        long start = System.nanoTime();
        PreTokenizer pre = PreTokenizer.named(o.pattern());
        long minChunk = o.minChunkFrequency();
        JavaPairRDD<String, Long> chunks = docs.mapPartitionsToPair(it -> {
                    // Count within the partition first: most chunks repeat, so the shuffle is small.
                    ChunkCounter local = new ChunkCounter();
                    it.forEachRemaining(d -> pre.split(d, (s, e) -> local.add(d, s, e)));
                    List<Tuple2<String, Long>> out = new ArrayList<>(local.size());
                    local.forEach((k, v) -> out.add(new Tuple2<>(k, v)));
                    return out.iterator();
                })
                .reduceByKey(Long::sum)
                .filter(t -> t._2() >= minChunk)
                .persist(StorageLevel.MEMORY_AND_DISK_SER());
        long floor;
        Map<String, Long> counts;
        try {
            // How many chunks each count has: as many entries as distinct counts (a few thousand
            // on any corpus), so the driver can choose the floor without seeing the chunks.
            floor = countFloor(chunks.values().countByValue(), o.maxChunks(), minChunk);
            counts = new HashMap<>(chunks.filter(t -> t._2() >= floor).collectAsMap());
        } finally {
            chunks.unpersist(false);
        }
        LOG.info("BPE: {} distinct chunks (seen at least {} times) reached the driver in {} s", counts.size(), floor,
                String.format("%.1f", (System.nanoTime() - start) / 1e9));
        long trainStart = System.nanoTime();
        Tokenizer t = BpeTrainer.train(counts, new BpeTrainer.Options(o.vocabSize(), o.minPairFrequency(),
                o.specialTokens(), pre), (done, total) -> {
                    if (done % 2000 == 0 || done == total) {
                        LOG.info("BPE: {}/{} merges", done, total);
                    }
                });
        String seconds = String.format("%.1f", (System.nanoTime() - trainStart) / 1e9);
        if (t.vocabSize() < o.vocabSize()) {
            // Every pair left occurs fewer than min-pair-frequency times: the corpus is too small for the vocabulary.
            LOG.warn("BPE: a vocabulary of {}, not the {} of tokenizer.bpe.vocab-size: no pair left occurs at least {} times in "
                    + "the training split (a larger corpus, or a smaller vocabulary); {} s", t.vocabSize(), o.vocabSize(),
                    o.minPairFrequency(), seconds);
        } else {
            LOG.info("BPE: learned merges for a vocabulary of {} in {} s", t.vocabSize(), seconds);
        }
        return new Result(t, counts.size(), floor);
    }

    /**
     * The lowest count floor (at least {@code minChunk}) that lets at most {@code maxChunks}
     * chunks through, from how many chunks have each count. If the most frequent count alone
     * holds more, that count is the floor (the bound is exceeded, and said so).
     */
    static long countFloor(Map<Long, Long> chunksByCount, long maxChunks, long minChunk) {
        List<Long> countsDescending = new ArrayList<>(chunksByCount.keySet());
        countsDescending.sort(java.util.Comparator.reverseOrder());
        long through = 0;
        long floor = minChunk;
        for (int i = 0; i < countsDescending.size(); i++) {
            long c = countsDescending.get(i);
            through += chunksByCount.get(c);
            if (through > maxChunks) {
                if (i == 0) {
                    LOG.warn("BPE: {} chunks share the highest count {}, more than tokenizer.bpe.max-chunks = {}",
                            through, c, maxChunks);
                    return c;
                }
                floor = countsDescending.get(i - 1);
                break;
            }
        }
        return Math.max(floor, minChunk);
    }
}
