package dev.sparklm.preprocess.read;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparklm.preprocess.Document;
import java.util.Iterator;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.InputSplit;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormat;
import org.apache.hadoop.mapreduce.lib.input.FileSplit;
import org.apache.spark.api.java.JavaNewHadoopRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;

/**
 * Record formats read by Hadoop input formats: line, blank-line and JSON Lines through
 * {@link BoundedTextInputFormat}, MediaWiki dumps through {@link MediaWikiInputFormat}. Large
 * files are split across tasks, any codec Hadoop knows is decompressed, every record keeps its
 * file and byte offset, and a record longer than max-document-bytes is quarantined without ever
 * being held whole. A file that fails mid-read (a truncated .gz) ends its split with a
 * quarantined record at the last good offset instead of failing the job.
 */
final class TextRecordReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TextRecordReader() {}

    /** The smallest split {@link #maxSplitBytes} chooses. */
    static final long MIN_SPLIT_BYTES = 8L << 20;

    /**
     * @param inputBytes the input's size, to split it so that every core gets two splits (Hadoop
     *                   splits by the file system's block, 32 MiB locally, 128 MiB on HDFS: a
     *                   30 MB dump was read by one task on any number of cores)
     */
    @SuppressWarnings("unchecked")
    static JavaRDD<Document> read(JavaSparkContext sc, String input, long inputBytes, ReaderOptions options) {
        Configuration conf = new Configuration(sc.hadoopConfiguration());
        if (conf.get(FileInputFormat.SPLIT_MAXSIZE) == null) {   // spark.hadoop.mapreduce.input.fileinputformat.split.maxsize wins
            conf.setLong(FileInputFormat.SPLIT_MAXSIZE, maxSplitBytes(inputBytes, sc.defaultParallelism()));
        }
        conf.setBoolean(BoundedTextInputFormat.PARAGRAPHS, options.format() == ReaderOptions.Format.BLANK_LINE);
        conf.setLong(BoundedTextInputFormat.MAX_RECORD_BYTES, options.maxBytes());
        Class<? extends FileInputFormat<LongWritable, Text>> format = options.format() == ReaderOptions.Format.MEDIAWIKI
                ? MediaWikiInputFormat.class : BoundedTextInputFormat.class;
        JavaNewHadoopRDD<LongWritable, Text> records = (JavaNewHadoopRDD<LongWritable, Text>)
                sc.newAPIHadoopFile(input, format, LongWritable.class, Text.class, conf);
        return records.mapPartitionsWithInputSplit(
                (split, it) -> new Records(split, it, options), false);
    }

    /**
     * Two splits per core, none smaller than 8 MiB (a split's task costs more than reading that
     * much) and, as Hadoop does anyway, none larger than a block.
     */
    static long maxSplitBytes(long inputBytes, int cores) {
        long perTask = (inputBytes + 2L * cores - 1) / (2L * cores);
        return Math.max(MIN_SPLIT_BYTES, perTask);
    }

    /** Lazily turns one split's (offset, bytes) records into documents. */
    private static final class Records extends DocumentIterator {
        private final String source;
        private final Iterator<Tuple2<LongWritable, Text>> in;
        private final ReaderOptions options;
        private final RecordDecoder decoder;
        private long lastOffset;

        Records(InputSplit split, Iterator<Tuple2<LongWritable, Text>> in, ReaderOptions options) {
            this.source = split instanceof FileSplit f ? f.getPath().toString() : split.toString();
            this.lastOffset = split instanceof FileSplit f ? f.getStart() : 0;   // each split's failure its own record
            this.in = in;
            this.options = options;
            this.decoder = new RecordDecoder(options.maxBytes());
        }

        @Override
        Document advance() {
            while (in.hasNext()) {
                Tuple2<LongWritable, Text> r = in.next();
                lastOffset = r._1().get();
                Document d = toDocument(lastOffset, r._2());
                if (d != null) {
                    return d;
                }
            }
            return null;
        }

        /** Hadoop's reader threw (corrupt compressed stream, I/O error): say where the split stopped. */
        @Override
        Document broken(Exception e) {
            return Document.quarantined(source, lastOffset, "unreadable", e.toString());
        }

        /** A document, a quarantined record, or null for a record that holds no document (blank). */
        private Document toDocument(long offset, Text bytes) {
            if (bytes.getLength() > options.maxBytes()) {   // the reader kept only the first max + 1 bytes
                return Document.quarantined(source, offset, RecordDecoder.Problem.TOO_LONG.reason,
                        "more than " + options.maxBytes() + " bytes (preprocess.max-document-bytes)")
                        .withPreview(bytes.getBytes(), bytes.getLength());
            }
            if (options.format() == ReaderOptions.Format.MEDIAWIKI) {
                return MediaWikiPages.parse(source, offset, bytes.getBytes(), bytes.getLength());
            }
            String text = decoder.decode(bytes.getBytes(), bytes.getLength());
            if (text == null) {
                return Document.quarantined(source, offset, decoder.problem().reason, decoder.detail())
                        .withPreview(bytes.getBytes(), bytes.getLength());
            }
            if (text.isBlank()) {
                return null;
            }
            if (options.format() != ReaderOptions.Format.JSONL) {
                return Document.of(null, source, offset, text);
            }
            return fromJson(offset, text);
        }

        private Document fromJson(long offset, String line) {
            JsonNode record;
            try {
                record = JSON.readTree(line);
            } catch (Exception e) {
                byte[] utf8 = line.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                return Document.quarantined(source, offset, "malformed-json", firstLine(e.getMessage()))
                        .withPreview(utf8, utf8.length);
            }
            JsonNode text = field(record, options.textField());
            if (text == null || !text.isTextual()) {
                byte[] utf8 = line.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                return Document.quarantined(source, offset, "missing-text",
                        "no string field \"" + options.textField() + "\" (preprocess.fields.text)").withPreview(utf8, utf8.length);
            }
            String id = null;
            if (!options.idField().isEmpty()) {
                JsonNode idNode = field(record, options.idField());
                if (idNode != null && !idNode.isNull() && !idNode.isContainerNode()) {
                    id = idNode.asText();
                }
            }
            Document d = Document.of(id, source, offset, text.textValue());
            if (!options.metadataFields().isEmpty()) {
                ObjectNode meta = JSON.createObjectNode();
                for (String f : options.metadataFields()) {
                    JsonNode v = field(record, f);
                    if (v != null) {
                        meta.set(f, v);
                    }
                }
                d.setMeta(meta.toString());
            }
            return d;
        }
    }

    /** {@code a.b.c} walks into nested objects; null when absent. */
    static JsonNode field(JsonNode node, String path) {
        JsonNode n = node;
        for (String part : path.split("\\.")) {
            if (n == null || !n.isObject()) {
                return null;
            }
            n = n.get(part);
        }
        return n;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
