package dev.sparklm.preprocess.read;

import dev.sparklm.preprocess.Document;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.BZip2Codec;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Formats read a file at a time: one document per file (plain text or HTML), or one per text
 * record of a WET file ({@link WetRecords}, streamed). Files are read as streams, decompressed by
 * extension (.gz, .bz2, ... as Hadoop's codecs know them) and bounded by max-document-bytes, so a
 * huge or corrupt file becomes a quarantined record, not a failed task.
 */
final class WholeFileReader {
    private static final Pattern META_CHARSET = Pattern.compile("(?i)<meta[^>]+charset=[\"']?([\\w-]+)");

    private WholeFileReader() {}

    /**
     * Not Spark's binaryFiles: its PortableDataStream serializes the whole combined split (every
     * path in the partition) and the Hadoop configuration for each file it opens, which made
     * reading 6,000 small files take minutes. The driver lists the files, the executors open them.
     */
    static JavaRDD<Document> read(JavaSparkContext sc, InputListing listing, ReaderOptions options) {
        Broadcast<SerializableConfiguration> conf = sc.broadcast(new SerializableConfiguration(sc.hadoopConfiguration()));
        int slices = (int) Math.max(4L * sc.defaultParallelism(), listing.bytes() / (32L << 20));
        List<List<String>> groups = listing.balancedSlices(slices);
        return sc.parallelize(groups, groups.size()).flatMap(group -> group.iterator()).flatMap(source -> {
            if (options.format() == ReaderOptions.Format.WET) {
                try {
                    return WetRecords.read(source, open(source, conf.value().value()), options.maxBytes());
                } catch (IOException | RuntimeException e) {
                    return List.of(Document.quarantined(source, 0, "unreadable", e.toString())).iterator();
                }
            }
            return List.of(readOne(source, conf.value().value(), options)).iterator();
        });
    }

    /** One per JVM: a new Configuration parses Hadoop's default XML files, tens of ms per file read. */
    private static final class Codecs {
        static final CompressionCodecFactory FACTORY = StreamCodecs.factory();
    }

    /** The codec a file's name asks for (.gz, .bz2, .zst, .xz, ...), or null. */
    static CompressionCodec codecOf(Path path) {
        return Codecs.FACTORY.getCodec(path);
    }

    /**
     * Opens an input file as it is stored. A local file is read through the raw local file
     * system: Hadoop's checksum layer over it looks for a ".name.crc" beside each file (a corpus
     * has none) and cannot even build that name when the file's name holds ':', so
     * "notes:2024.txt" was quarantined unread, or failed the job in the line readers.
     */
    static FSDataInputStream openFile(Path path, Configuration conf) throws IOException {
        FileSystem fs = path.getFileSystem(conf);
        if (fs instanceof ChecksumFileSystem checksummed) {
            fs = checksummed.getRawFileSystem();
        }
        return fs.open(path);
    }

    static InputStream open(String source, Configuration conf) throws IOException {
        Path path = new Path(source);
        FSDataInputStream raw = openFile(path, conf);
        CompressionCodec codec = codecOf(path);
        return codec == null ? raw : decompressed(path, raw, codec);
    }

    /**
     * The file decompressed by its codec, after checking a .bz2 file starts as bzip2 does
     * (Hadoop's bzip2 reader takes a file without that header for one without blocks: no text,
     * and no error).
     */
    static InputStream decompressed(Path path, FSDataInputStream raw, CompressionCodec codec) throws IOException {
        checkBzip2Header(path, raw, codec);
        return codec.createInputStream(raw);
    }

    /** Throws if {@code codec} is bzip2 and the file does not start with "BZh". */
    static void checkBzip2Header(Path path, FSDataInputStream raw, CompressionCodec codec) throws IOException {
        if (!(codec instanceof BZip2Codec)) {
            return;
        }
        byte[] magic = new byte[3];
        try {
            raw.readFully(0, magic);   // positional: the stream stays where it is
        } catch (java.io.EOFException e) {
            magic[0] = 0;   // shorter than the header
        }
        if (magic[0] != 'B' || magic[1] != 'Z' || magic[2] != 'h') {
            throw new IOException("not a bzip2 file (no \"BZh\" header): " + path);
        }
    }

    private static Document readOne(String source, Configuration conf, ReaderOptions options) {
        byte[] buf = new byte[64 * 1024];
        int n = 0;
        try (InputStream in = open(source, conf)) {
            while (true) {
                if (n == buf.length) {
                    if (n > options.maxBytes()) {
                        return Document.quarantined(source, 0, RecordDecoder.Problem.TOO_LONG.reason,
                                "more than " + options.maxBytes() + " bytes (preprocess.max-document-bytes)");
                    }
                    buf = java.util.Arrays.copyOf(buf, (int) Math.min(Integer.MAX_VALUE - 8, (long) buf.length * 2));
                }
                int r = in.read(buf, n, buf.length - n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
        } catch (IOException | RuntimeException e) {
            return Document.quarantined(source, n, "unreadable", e.toString());
        }
        RecordDecoder decoder = new RecordDecoder(options.maxBytes());
        String text = decoder.decode(buf, n);
        if (text == null && decoder.problem() == RecordDecoder.Problem.INVALID_UTF8
                && options.format() == ReaderOptions.Format.HTML) {
            text = declaredCharset(buf, n);   // HTML may say what it is in (Latin-1 pages)
        }
        if (text == null) {
            return Document.quarantined(source, 0, decoder.problem().reason, decoder.detail()).withPreview(buf, n);
        }
        return Document.of(null, source, 0, text);
    }

    /** The page decoded with the charset its meta tag declares, or null if none (or unknown). */
    private static String declaredCharset(byte[] buf, int n) {
        Matcher m = META_CHARSET.matcher(new String(buf, 0, Math.min(n, 4096), StandardCharsets.ISO_8859_1));
        if (!m.find()) {
            return null;
        }
        try {
            Charset cs = Charset.forName(m.group(1));
            return cs.equals(StandardCharsets.UTF_8) ? null : new String(buf, 0, n, cs);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
