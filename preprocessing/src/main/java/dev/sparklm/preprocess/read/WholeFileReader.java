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
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.input.PortableDataStream;

/**
 * Formats whose unit is a whole file: one document per file (plain text or HTML), or one per
 * article of a MediaWiki XML dump (streamed, never loaded whole). Files are read as streams,
 * decompressed by extension (.gz, .bz2, ... as Hadoop's codecs know them) and bounded by
 * max-document-bytes, so a huge or corrupt file becomes a quarantined record, not a failed task.
 */
final class WholeFileReader {
    private static final Pattern META_CHARSET = Pattern.compile("(?i)<meta[^>]+charset=[\"']?([\\w-]+)");

    private WholeFileReader() {}

    static JavaRDD<Document> read(JavaSparkContext sc, String input, ReaderOptions options) {
        return sc.binaryFiles(input).flatMap(file -> {
            String source = file._1();
            PortableDataStream stream = file._2();
            if (options.format() == ReaderOptions.Format.MEDIAWIKI) {
                return MediaWikiPages.read(source, open(source, stream), options.maxBytes());
            }
            return List.of(readOne(source, stream, options)).iterator();
        });
    }

    static InputStream open(String source, PortableDataStream stream) throws IOException {
        InputStream raw = stream.open();
        CompressionCodec codec = new CompressionCodecFactory(new Configuration()).getCodec(new Path(source));
        return codec == null ? raw : codec.createInputStream(raw);
    }

    private static Document readOne(String source, PortableDataStream stream, ReaderOptions options) {
        byte[] buf = new byte[64 * 1024];
        int n = 0;
        try (InputStream in = open(source, stream)) {
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
            return Document.quarantined(source, 0, decoder.problem().reason, decoder.detail());
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
