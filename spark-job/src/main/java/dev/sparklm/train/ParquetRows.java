package dev.sparklm.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparklm.io.JobConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Rows of a Parquet file or directory as JSON, read with parquet-hadoop alone: a notebook asking
 * for a few sample rows waited 7-10 s for Spark SQL to start and plan, for tables of a few
 * hundred rows. Reads the files in name order (as Spark lists a directory: names starting with
 * {@code _} or {@code .} are not data) and stops at {@code limit} rows; with a {@code per}
 * column it reads them all and keeps the first {@code limit} rows of each of its values, the values in text order. The row
 * total comes from the files' footers. Nulls are written as JSON nulls; a LIST column as an array.
 */
final class ParquetRows {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ParquetRows() {}

    /**
     * @return {@code path}, {@code columns} (the schema's top-level names), {@code rows_total}
     *         and {@code rows} (objects by column name; strings cut to {@code maxChars})
     */
    static Map<String, Object> read(String path, int limit, String per, int maxChars, Configuration conf) {
        if (limit < 0 || maxChars < 0) {
            throw new JobConfigException("--limit and --max-chars must be 0 or more: " + limit + ", " + maxChars);
        }
        try {
            List<FileStatus> files = dataFiles(new Path(path), conf);
            MessageType schema = null;
            long total = 0;
            for (FileStatus f : files) {
                MessageType s;
                try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromStatus(f, conf))) {
                    s = r.getFileMetaData().getSchema();
                    total += r.getRecordCount();
                } catch (RuntimeException | IOException e) {
                    throw new JobConfigException("not a readable Parquet file: " + f.getPath() + " (" + e.getMessage() + ")");
                }
                if (schema == null) {
                    schema = s;
                } else if (!schema.equals(s)) {
                    throw new JobConfigException(f.getPath() + " has another schema than " + files.get(0).getPath()
                            + ":\n" + s + "\nagainst\n" + schema);
                }
            }
            List<String> columns = schema.getFields().stream().map(Type::getName).toList();
            if (per != null && !columns.contains(per)) {
                throw new JobConfigException("--per " + per + ": no such column in " + path + " (columns: " + columns + ")");
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("path", path);
            out.put("columns", columns);
            out.put("rows_total", total);
            out.put("rows", per == null ? firstRows(files, schema, limit, maxChars, conf)
                    : firstRowsPerValue(files, schema, per, limit, maxChars, conf));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": " + e.getMessage(), e);
        }
    }

    /** The data files of a Parquet file or directory, by name. */
    static List<FileStatus> dataFiles(Path path, Configuration conf) throws IOException {
        FileSystem fs = path.getFileSystem(conf);
        if (!fs.exists(path)) {
            throw new JobConfigException("no such file or directory: " + path);
        }
        FileStatus status = fs.getFileStatus(path);
        List<FileStatus> files = new ArrayList<>();
        if (status.isDirectory()) {
            for (FileStatus f : fs.listStatus(path)) {
                String name = f.getPath().getName();
                if (f.isFile() && !name.startsWith("_") && !name.startsWith(".")) {
                    files.add(f);
                }
            }
            files.sort(Comparator.comparing(f -> f.getPath().getName()));
            if (files.isEmpty()) {
                throw new JobConfigException("no Parquet files in " + path);
            }
        } else {
            files.add(status);
        }
        return files;
    }

    private static List<JsonNode> firstRows(List<FileStatus> files, MessageType schema, int limit, int maxChars,
                                            Configuration conf) throws IOException {
        List<JsonNode> rows = new ArrayList<>();
        forEachRow(paths(files), conf, () -> rows.size() < limit, g -> rows.add(object(g, schema, maxChars)));
        return rows;
    }

    /** The first {@code limit} rows of each value of {@code per}, the values in text order (null first). */
    private static List<JsonNode> firstRowsPerValue(List<FileStatus> files, MessageType schema, String per, int limit,
                                                    int maxChars, Configuration conf) throws IOException {
        int column = schema.getFieldIndex(per);
        Map<String, List<JsonNode>> byValue = new TreeMap<>(Comparator.nullsFirst(Comparator.naturalOrder()));
        forEachRow(paths(files), conf, () -> true, g -> {
            JsonNode value = value(g, column, schema.getType(column), Integer.MAX_VALUE);
            List<JsonNode> rows = byValue.computeIfAbsent(value.isNull() ? null : value.asText(), v -> new ArrayList<>());
            if (rows.size() < limit) {
                rows.add(object(g, schema, maxChars));
            }
        });
        List<JsonNode> out = new ArrayList<>();
        byValue.values().forEach(out::addAll);
        return out;
    }

    private static List<Path> paths(List<FileStatus> files) {
        return files.stream().map(FileStatus::getPath).toList();
    }

    /**
     * The rows of {@code files} in order, as parquet-hadoop's generic groups, while {@code more}
     * says so (asked before each row: nothing is read once it says no).
     */
    static void forEachRow(List<Path> files, Configuration conf, BooleanSupplier more, Consumer<Group> row) throws IOException {
        for (Path f : files) {
            if (!more.getAsBoolean()) {
                return;
            }
            try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), f).withConf(conf).build()) {
                for (Group g = reader.read(); g != null; g = more.getAsBoolean() ? reader.read() : null) {
                    row.accept(g);
                }
            }
        }
    }

    private static ObjectNode object(Group g, GroupType type, int maxChars) {
        ObjectNode o = NODES.objectNode();
        for (int i = 0; i < type.getFieldCount(); i++) {
            o.set(type.getFieldName(i), value(g, i, type.getType(i), maxChars));
        }
        return o;
    }

    /** Field {@code i} of {@code g}: null when absent, an array when repeated or a LIST, else its one value. */
    private static JsonNode value(Group g, int i, Type type, int maxChars) {
        int n = g.getFieldRepetitionCount(i);
        if (type.isRepetition(Type.Repetition.REPEATED)) {
            ArrayNode a = NODES.arrayNode(n);
            for (int k = 0; k < n; k++) {
                a.add(one(g, i, k, type, maxChars));
            }
            return a;
        }
        return n == 0 ? NODES.nullNode() : one(g, i, 0, type, maxChars);
    }

    private static JsonNode one(Group g, int i, int k, Type type, int maxChars) {
        if (!type.isPrimitive()) {
            Group inner = g.getGroup(i, k);
            GroupType group = type.asGroupType();
            if (type.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation
                    && group.getFieldCount() == 1 && group.getType(0).isRepetition(Type.Repetition.REPEATED)) {
                // The standard three levels: <list> (LIST) { repeated group list { <element> } }.
                Type repeated = group.getType(0);
                ArrayNode a = NODES.arrayNode();
                for (int e = 0; e < inner.getFieldRepetitionCount(0); e++) {
                    if (!repeated.isPrimitive() && repeated.asGroupType().getFieldCount() == 1) {
                        a.add(value(inner.getGroup(0, e), 0, repeated.asGroupType().getType(0), maxChars));
                    } else {
                        a.add(one(inner, 0, e, repeated, maxChars));   // a two-level list
                    }
                }
                return a;
            }
            return object(inner, group, maxChars);
        }
        PrimitiveType p = type.asPrimitiveType();
        return switch (p.getPrimitiveTypeName()) {
            case INT32 -> NODES.numberNode(g.getInteger(i, k));
            case INT64 -> NODES.numberNode(g.getLong(i, k));
            case BOOLEAN -> NODES.booleanNode(g.getBoolean(i, k));
            case FLOAT -> NODES.numberNode(g.getFloat(i, k));
            case DOUBLE -> NODES.numberNode(g.getDouble(i, k));
            case BINARY, FIXED_LEN_BYTE_ARRAY -> isText(p) ? NODES.textNode(cut(g.getString(i, k), maxChars))
                    : NODES.textNode(Base64.getEncoder().encodeToString(g.getBinary(i, k).getBytes()));
            case INT96 -> NODES.textNode(Base64.getEncoder().encodeToString(g.getInt96(i, k).getBytes()));
        };
    }

    private static boolean isText(PrimitiveType p) {
        LogicalTypeAnnotation a = p.getLogicalTypeAnnotation();
        return a instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
                || a instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation
                || a instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation;
    }

    /** At most {@code maxChars} characters (code points, as Spark SQL's substring counts them). */
    static String cut(String s, int maxChars) {
        if (s.length() <= maxChars || s.codePointCount(0, s.length()) <= maxChars) {
            return s;
        }
        return s.substring(0, s.offsetByCodePoints(0, maxChars));
    }
}
