package dev.sparklm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparklm.io.JobConfigException;
import dev.sparklm.io.LocalSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/inspect parquet's reader: files written here with parquet-hadoop, read back, and Spark SQL's reading of the same files as the oracle. */
class ParquetRowsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final MessageType SCHEMA = MessageTypeParser.parseMessageType("message m { optional binary reason (STRING); "
            + "optional int64 offset; optional binary text (STRING); "
            + "optional group ids (LIST) { repeated group list { required int32 element; } } }");

    @TempDir
    Path tmp;

    /** part-0: rows 0-4, part-1: rows 5-9; reason "r" + i % 3, offset i, text "t" + i (null for 7), ids 0..i-1. */
    Path table() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("table"));
        for (int part = 0; part < 2; part++) {
            write(dir.resolve("part-" + part + ".parquet"), SCHEMA, part * 5, part * 5 + 5);
        }
        Files.writeString(dir.resolve("_SUCCESS"), "");   // not data, as for Spark
        Files.writeString(dir.resolve(".hidden"), "not parquet");
        return dir;
    }

    static void write(Path file, MessageType schema, int from, int to) throws IOException {
        SimpleGroupFactory groups = new SimpleGroupFactory(schema);
        try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new org.apache.hadoop.fs.Path(file.toUri()))
                .withType(schema).withConf(new Configuration()).build()) {
            for (int i = from; i < to; i++) {
                Group g = groups.newGroup().append("reason", "r" + i % 3).append("offset", (long) i);
                if (i != 7) {
                    g.append("text", "t" + i + "\uD83D\uDE00x");   // an emoji: two chars, one code point
                }
                Group ids = g.addGroup("ids");
                for (int k = 0; k < i; k++) {
                    ids.addGroup("list").append("element", k);
                }
                w.write(g);
            }
        }
    }

    static List<JsonNode> rows(Map<String, Object> read) {
        @SuppressWarnings("unchecked")
        List<JsonNode> rows = (List<JsonNode>) read.get("rows");
        return rows;
    }

    @Test
    void everyRowAsSparkSqlReadsIt() throws IOException {
        Path dir = table();
        Map<String, Object> read = ParquetRows.read(dir.toString(), 100, null, 1000, new Configuration());
        assertEquals(List.of("reason", "offset", "text", "ids"), read.get("columns"));
        assertEquals(10L, read.get("rows_total"));
        List<String> ours = new ArrayList<>();
        for (JsonNode r : rows(read)) {
            ours.add(JSON.writeValueAsString(r));
        }
        // Spark's JSON leaves a null field out; ours writes it as null.
        List<String> spark = new ArrayList<>();
        for (String json : LocalSpark.get().read().parquet(dir.toString()).orderBy("offset").toJSON().collectAsList()) {
            var node = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(json);
            var full = JSON.createObjectNode();
            for (String column : List.of("reason", "offset", "text", "ids")) {
                full.set(column, node.has(column) ? node.get(column) : JSON.nullNode());
            }
            spark.add(JSON.writeValueAsString(full));
        }
        assertEquals(spark, ours, "the same rows in the same order (the files in name order, rows in file order)");
        assertTrue(rows(read).get(7).get("text").isNull());
        assertEquals(9, rows(read).get(9).get("ids").size());
    }

    @Test
    void aLimitStopsAcrossFilesAndStringsAreCutByCodePoints() throws IOException {
        Map<String, Object> read = ParquetRows.read(table().toString(), 6, null, 3, new Configuration());
        assertEquals(10L, read.get("rows_total"), "the footers' total, whatever the limit");
        List<JsonNode> rows = rows(read);
        assertEquals(6, rows.size());
        assertEquals(5, rows.get(5).get("offset").asLong(), "the second file's first row");
        assertEquals("t0\uD83D\uDE00", rows.get(0).get("text").asText(), "3 code points: the emoji whole");
        assertEquals("t5\uD83D\uDE00", rows.get(5).get("text").asText());
        assertEquals("r0", rows.get(0).get("reason").asText());   // shorter than the cut: as it is
    }

    @Test
    void perValueKeepsTheFirstRowsOfEachValueInValueOrder() throws IOException {
        String table = table().toString();
        List<JsonNode> rows = rows(ParquetRows.read(table, 2, "reason", 1000, new Configuration()));
        List<String> got = new ArrayList<>();
        for (JsonNode r : rows) {
            got.add(r.get("reason").asText() + "@" + r.get("offset").asLong());
        }
        // r0: rows 0, 3, 6, 9; r1: 1, 4, 7; r2: 2, 5, 8.
        assertEquals(List.of("r0@0", "r0@3", "r1@1", "r1@4", "r2@2", "r2@5"), got);
        List<JsonNode> byText = rows(ParquetRows.read(table, 1, "text", 1000, new Configuration()));
        assertTrue(byText.get(0).get("text").isNull(), "the null value is a group of its own, first");
        assertEquals(10, byText.size());
    }

    @Test
    void aSingleFileReadsAsItsDirectoryDoes() throws IOException {
        Path dir = table();
        Map<String, Object> one = ParquetRows.read(dir.resolve("part-1.parquet").toString(), 100, null, 1000, new Configuration());
        assertEquals(5L, one.get("rows_total"));
        assertEquals(5, rows(one).get(0).get("offset").asLong());
    }

    @Test
    void badPathsColumnsAndFilesAreNamed() throws IOException {
        Path dir = table();
        Configuration conf = new Configuration();
        String missing = assertThrows(JobConfigException.class,
                () -> ParquetRows.read(tmp.resolve("nothing").toString(), 5, null, 10, conf)).getMessage();
        assertTrue(missing.contains("no such file or directory") && missing.contains("nothing"), missing);
        String column = assertThrows(JobConfigException.class,
                () -> ParquetRows.read(dir.toString(), 5, "lang", 10, conf)).getMessage();
        assertTrue(column.contains("--per lang") && column.contains("[reason, offset, text, ids]"), column);
        Files.createDirectories(tmp.resolve("empty"));
        String empty = assertThrows(JobConfigException.class,
                () -> ParquetRows.read(tmp.resolve("empty").toString(), 5, null, 10, conf)).getMessage();
        assertTrue(empty.contains("no Parquet files"), empty);

        Files.writeString(dir.resolve("part-2.parquet"), "{\"not\": \"parquet\"}");
        String corrupt = assertThrows(JobConfigException.class,
                () -> ParquetRows.read(dir.toString(), 5, null, 10, conf)).getMessage();
        assertTrue(corrupt.contains("not a readable Parquet file") && corrupt.contains("part-2.parquet"), corrupt);

        Files.delete(dir.resolve("part-2.parquet"));
        write(dir.resolve("part-2.parquet"), MessageTypeParser.parseMessageType(
                "message m { optional binary reason (STRING); optional int64 offset; }"), 0, 0);
        String other = assertThrows(JobConfigException.class,
                () -> ParquetRows.read(dir.toString(), 5, null, 10, conf)).getMessage();
        assertTrue(other.contains("part-2.parquet has another schema"), other);
    }
}
