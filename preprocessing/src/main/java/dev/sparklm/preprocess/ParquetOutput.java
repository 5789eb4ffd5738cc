package dev.sparklm.preprocess;

import dev.sparklm.shards.ShardManifest;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetOutputFormat;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;
import org.apache.spark.api.java.JavaRDD;
import scala.Tuple2;

/**
 * Writes an RDD as a directory of Snappy-compressed Parquet files, one per partition, through
 * parquet-hadoop's output format and Hadoop's output committer (each task writes to its attempt's
 * directory and commits by rename; the directory must not exist yet). Spark SQL's writer would do
 * the same, but using Spark SQL at all cost a preprocessing run about 3 s of its ~12 s fixed time
 * (its classes, planning and code generation), whatever the corpus size; the job uses none.
 * The files read back in Spark SQL as the columns below (Spark's own layout of
 * {@code array<int>}).
 */
final class ParquetOutput {
    private static final String SCHEMA_KEY = "sparklm.parquet.schema";

    private ParquetOutput() {}

    /** The shards' schema: one non-null array of non-null ints, {@link #writeWindows}. */
    static final MessageType WINDOWS = MessageTypeParser.parseMessageType("message spark_schema { required group "
            + ShardManifest.COLUMN + " (LIST) { repeated group list { required int32 element; } } }");

    /** A flat record's field: a string or a long, each optional. */
    record Field(String name, boolean isLong) {
        static Field string(String name) {
            return new Field(name, false);
        }

        static Field int64(String name) {
            return new Field(name, true);
        }
    }

    /** The schema of flat records of {@code fields}, written by {@link #writeRecords}. */
    static MessageType recordSchema(List<Field> fields) {
        Types.MessageTypeBuilder b = Types.buildMessage();
        for (Field f : fields) {
            if (f.isLong()) {
                b.optional(PrimitiveTypeName.INT64).named(f.name());
            } else {
                b.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(f.name());
            }
        }
        return b.named("spark_schema");
    }

    /** Token windows as the shards' column, {@link ShardManifest#COLUMN}. */
    static void writeWindows(JavaRDD<int[]> windows, Path dir, Configuration hadoop) {
        write(windows, WindowWriter.class, WINDOWS, dir, hadoop);
    }

    /**
     * Records whose values are Strings or Longs (or null), in the order of {@code schema}'s
     * fields, as one file (a report's few rows).
     */
    static void writeRecords(JavaRDD<Object[]> records, MessageType schema, Path dir, Configuration hadoop) {
        write(onePartition(records), RecordWriter.class, schema, dir, hadoop);
    }

    /**
     * The rows in one partition, through a shuffle: {@code coalesce(1)} would make one task whose
     * description holds every input partition, and a partition of the whole-file readers lists its
     * files (4 MB for 55,701 files: a task past Spark's message limit at a few million).
     */
    static <T> JavaRDD<T> onePartition(JavaRDD<T> rows) {
        return rows.repartition(1);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static <T> void write(JavaRDD<T> rows, Class<? extends WriteSupport<T>> support, MessageType schema, Path dir,
                                  Configuration hadoop) {
        Configuration conf = new Configuration(hadoop);
        conf.set(ParquetOutputFormat.WRITE_SUPPORT_CLASS, support.getName());
        conf.set(SCHEMA_KEY, schema.toString());
        conf.set(ParquetOutputFormat.COMPRESSION, "SNAPPY");
        // No _metadata/_common_metadata summary files: Spark does not write them either.
        conf.set(ParquetOutputFormat.JOB_SUMMARY_LEVEL, "NONE");
        rows.mapToPair(r -> new Tuple2<Void, T>(null, r))
                .saveAsNewAPIHadoopFile(dir.toString(), Void.class, (Class) Object.class, ParquetOutputFormat.class, conf);
    }

    private abstract static class SchemaWriter<T> extends WriteSupport<T> {
        MessageType schema;
        RecordConsumer out;

        @Override
        public WriteContext init(Configuration conf) {
            schema = MessageTypeParser.parseMessageType(conf.get(SCHEMA_KEY));
            return new WriteContext(schema, Map.of());
        }

        @Override
        public void prepareForWrite(RecordConsumer recordConsumer) {
            out = recordConsumer;
        }
    }

    /** int[] -> {@link #WINDOWS}: the three-level list Parquet's format specification defines. */
    public static final class WindowWriter extends SchemaWriter<int[]> {
        @Override
        public void write(int[] ids) {
            out.startMessage();
            out.startField(ShardManifest.COLUMN, 0);
            out.startGroup();
            if (ids.length > 0) {
                out.startField("list", 0);
                for (int id : ids) {
                    out.startGroup();
                    out.startField("element", 0);
                    out.addInteger(id);
                    out.endField("element", 0);
                    out.endGroup();
                }
                out.endField("list", 0);
            }
            out.endGroup();
            out.endField(ShardManifest.COLUMN, 0);
            out.endMessage();
        }
    }

    /** Object[] of String/Long/null -> the flat schema in the configuration; nulls are left out. */
    public static final class RecordWriter extends SchemaWriter<Object[]> {
        @Override
        public void write(Object[] values) {
            out.startMessage();
            List<Type> fields = schema.getFields();
            for (int i = 0; i < fields.size(); i++) {
                Object v = values[i];
                if (v == null) {
                    continue;
                }
                String name = fields.get(i).getName();
                out.startField(name, i);
                if (v instanceof Long l) {
                    out.addLong(l);
                } else {
                    out.addBinary(Binary.fromString((String) v));
                }
                out.endField(name, i);
            }
            out.endMessage();
        }
    }
}
