package dev.sparklm.preprocess.read;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.hadoop.io.compress.CompressionInputStream;
import org.apache.hadoop.io.compress.CompressionOutputStream;
import org.apache.hadoop.io.compress.Compressor;
import org.apache.hadoop.io.compress.Decompressor;
import org.tukaani.xz.XZInputStream;

/**
 * Read-only Hadoop codecs for the two formats large text corpora often come in that Hadoop's
 * codecs do not read in a plain JVM: {@code .zst} (The Pile, SlimPajama; Hadoop's own zstd codec
 * needs libhadoop's native code, which a Spark install rarely has: every file was quarantined as
 * unreadable) through zstd-jni, which Spark ships with its native library inside; and {@code .xz}
 * (OpenWebText; Hadoop has no codec for it: its bytes were read as text and quarantined as
 * binary) through XZ for Java. Neither is splittable: a task reads a file.
 */
final class StreamCodecs {
    private StreamCodecs() {}

    /** Hadoop's codecs by file extension, with these two (over Hadoop's native-only .zst). */
    static CompressionCodecFactory factory() {
        Configuration conf = new Configuration();
        conf.set("io.compression.codecs", Zstd.class.getName() + "," + Xz.class.getName());
        return new CompressionCodecFactory(conf);
    }

    /** {@code .zst}: Zstandard frames, one after another. */
    public static final class Zstd extends ReadOnly {
        public Zstd() {
            super(".zst");
        }

        @Override
        InputStream decode(InputStream in) throws IOException {
            return new ZstdInputStreamNoFinalizer(in).setContinuous(false);
        }
    }

    /** {@code .xz}: XZ streams (LZMA2), one after another. */
    public static final class Xz extends ReadOnly {
        public Xz() {
            super(".xz");
        }

        @Override
        InputStream decode(InputStream in) throws IOException {
            return new XZInputStream(in);
        }
    }

    /** A codec that decompresses a stream with a decoder of its own and writes nothing. */
    abstract static class ReadOnly implements CompressionCodec {
        private final String extension;

        ReadOnly(String extension) {
            this.extension = extension;
        }

        abstract InputStream decode(InputStream in) throws IOException;

        @Override
        public CompressionInputStream createInputStream(InputStream in) throws IOException {
            InputStream decoded = decode(in);
            return new CompressionInputStream(in) {
                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    return decoded.read(b, off, len);
                }

                @Override
                public int read() throws IOException {
                    return decoded.read();
                }

                @Override
                public void resetState() {
                    throw new UnsupportedOperationException(extension + " streams are read from their start");
                }

                @Override
                public void close() throws IOException {
                    try {
                        decoded.close();
                    } finally {
                        super.close();
                    }
                }
            };
        }

        @Override
        public CompressionInputStream createInputStream(InputStream in, Decompressor decompressor) throws IOException {
            return createInputStream(in);
        }

        @Override
        public Class<? extends Decompressor> getDecompressorType() {
            return null;
        }

        @Override
        public Decompressor createDecompressor() {
            return null;
        }

        @Override
        public String getDefaultExtension() {
            return extension;
        }

        @Override
        public CompressionOutputStream createOutputStream(OutputStream out) {
            throw new UnsupportedOperationException("the " + extension + " codec only reads");
        }

        @Override
        public CompressionOutputStream createOutputStream(OutputStream out, Compressor compressor) {
            throw new UnsupportedOperationException("the " + extension + " codec only reads");
        }

        @Override
        public Class<? extends Compressor> getCompressorType() {
            return null;
        }

        @Override
        public Compressor createCompressor() {
            return null;
        }
    }
}
