package dev.sparklm.preprocess;

import dev.sparklm.io.LocalSpark;

import dev.sparklm.shards.ShardManifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparklm.preprocess.filter.LanguageFilterTest;
import dev.sparklm.tokenizer.Tokenizer;
import dev.sparklm.tokenizer.TokenizerJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole job with its default (web-text) settings on a JSON Lines corpus that has a bit of
 * everything: good articles, duplicates, near-duplicates, another language, spam, code, PII and
 * lines that do not parse. Checks that each document ends up where stats.json says it went.
 */
class PipelineReportTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** An English article of {@code sentences} random sentences: varied enough for the repetition rules. */
    static String article(Random r, int sentences) {
        String[] subjects = {"The river", "The old town", "A merchant", "The museum", "Our neighbour", "The market",
                "A traveller", "The council", "The harbour", "A teacher", "My grandmother", "The baker", "A young poet",
                "The mayor", "Every fisherman", "The librarian", "A stranger", "The choir", "Her brother", "The ferry"};
        String[] verbs = {"opened", "described", "visited", "changed", "remembered", "built", "painted", "followed",
                "repaired", "praised", "ignored", "measured", "carried", "sold", "found", "watched", "named", "left",
                "studied", "guarded"};
        String[] objects = {"the bridge", "a small garden", "the northern road", "an old letter", "a collection of maps",
                "the long winter", "the new school", "a wooden boat", "the bell tower", "their first house",
                "a forgotten song", "the copper roof", "a basket of apples", "the evening train", "his best coat",
                "the stone wall", "a quiet chapel", "the spring fair", "her blue lantern", "the narrow stairs"};
        String[] links = {"near", "beside", "behind", "across from", "not far from", "at", "opposite", "outside"};
        String[] places = {"Alder Street", "Mill Lane", "the square", "Kingsbridge", "Saint Anne's", "Harbour Row",
                "Elm Court", "Westgate", "Fox Hill", "Low Meadow", "Tanner's Yard", "Chapel Green"};
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < sentences; i++) {
            s.append(subjects[r.nextInt(subjects.length)]).append(' ').append(verbs[r.nextInt(verbs.length)]).append(' ')
                    .append(objects[r.nextInt(objects.length)]).append(' ').append(links[r.nextInt(links.length)])
                    .append(' ').append(places[r.nextInt(places.length)]).append(" in ").append(1700 + r.nextInt(300))
                    .append('.').append(i % 4 == 3 ? "\n\n" : " ");
        }
        return s.toString().strip();
    }

    static String line(String id, String text) {
        ObjectNode o = JSON.createObjectNode().put("id", id).put("text", text).put("url", "https://example.org/" + id);
        return o.toString();
    }

    @Test
    void everyDocumentIsAccountedForInStatsSamplesAndQuarantine() throws IOException {
        Random r = new Random(5);
        List<String> lines = new ArrayList<>();
        List<String> good = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String a = article(r, 16);
            good.add(a);
            lines.add(line("good-" + i, a));
        }
        lines.add(line("copy-1", good.get(0)));                                     // exact duplicate
        lines.add(line("copy-2", good.get(1) + " Extra."));                         // near duplicate (one word added)
        lines.add(line("german", LanguageFilterTest.GERMAN.repeat(2)));             // not English
        lines.add(line("short", "This is a short note about the weather in the town, and that is all there is to "
                + "say about it today. The rain will stop in the evening and the wind will turn to the west."));  // Gopher: too few words
        lines.add(line("code", good.get(2) + " The function f(x) { return x; } is code."));        // C4: curly brace
        lines.add(line("pii", article(r, 16) + " Write to jane.doe@example.com or call 415-555-0132."));
        lines.add("{\"id\": \"broken\", \"text\": \"no closing quote}");            // quarantined
        lines.add("{\"id\": \"no-text\"}");                                          // quarantined
        Path input = Files.write(tmp.resolve("corpus.jsonl"), lines);
        Path out = tmp.resolve("out");

        Map<String, String> set = new HashMap<>(Map.of("input", input.toString(), "output", out.toString(),
                "input-format", "jsonl", "fields.id", "id", "context", "32", "split.validation-fraction", "0.2",
                "fields.metadata", "[url]"));
        SparkSession spark = LocalSpark.get();
        ShardManifest m = PreprocessJob.run(spark, PreprocessConfig.load(Optional.empty(), set));

        JsonNode stats = JSON.readTree(out.resolve("stats.json").toFile());
        assertEquals(lines.size(), stats.get("records").asLong());
        assertEquals(1, stats.get("quarantined").get("malformed-json").asLong());
        assertEquals(1, stats.get("quarantined").get("missing-text").asLong());
        Map<String, JsonNode> stages = new HashMap<>();
        stats.get("stages").forEach(s -> stages.put(s.get("name").asText(), s));
        assertEquals(List.of("read", "normalize", "length", "language", "gopher-repetition", "gopher-quality", "c4", "pii",
                "dedup"), stageNames(stats));
        assertEquals(lines.size() - 2, stages.get("read").get("documents_in").asLong());
        assertEquals(1, stages.get("language").get("dropped").get("not-allowed").asLong());
        assertEquals(1, stages.get("language").get("counters").get("deu").asLong());
        assertEquals(1, stages.get("gopher-quality").get("dropped").get("too-few-words").asLong());
        assertEquals(1, stages.get("c4").get("dropped").get("curly-brace").asLong());
        assertEquals(1, stages.get("pii").get("counters").get("email").asLong());
        assertEquals(1, stages.get("pii").get("counters").get("phone").asLong());
        assertEquals(1, stages.get("dedup").get("dropped").get("exact-duplicate").asLong());
        assertEquals(1, stages.get("dedup").get("dropped").get("near-duplicate").asLong());
        long kept = stats.get("documents_kept").asLong();
        assertEquals(41, kept, "40 articles (one had a brace and went) + the PII one");
        assertEquals(stages.get("dedup").get("documents_out").asLong(), kept);
        assertEquals(kept, m.split("train").documents() + m.split("validation").documents() + m.split("test").documents());
        JsonNode histogram = stats.get("token_length_histogram").get("train");
        long histogramDocs = 0;
        for (JsonNode n : histogram) {
            histogramDocs += n.asLong();
        }
        assertEquals(m.split("train").documents(), histogramDocs);

        // The samples name the reason of every drop; the quarantine names file and offset.
        List<Row> sample = spark.read().parquet(out.resolve("dropped-sample").toString()).collectAsList();
        assertEquals(5, sample.size(), "language, gopher-quality, c4, exact and near duplicate");
        assertTrue(sample.stream().anyMatch(s -> s.getAs("reason").equals("language:not-allowed")
                && s.getAs("id").equals("german") && s.<String>getAs("text").startsWith("Die Geschichte")));
        // The input's metadata fields travel with a dropped document.
        assertTrue(sample.stream().allMatch(s -> String.valueOf(s.<String>getAs("meta")).equals(
                "{\"url\":\"https://example.org/" + s.getAs("id") + "\"}")), sample.toString());
        List<Row> quarantine = spark.read().parquet(out.resolve("quarantine").toString()).collectAsList();
        assertEquals(2, quarantine.size());
        assertTrue(quarantine.stream().allMatch(q -> q.<String>getAs("source").endsWith("corpus.jsonl")
                && q.<Long>getAs("offset") > 0));
        // A preview of each record's first bytes, for a person to recognize it.
        assertEquals(java.util.Set.of("{\"id\": \"broken\", \"text\": \"no closing quote}", "{\"id\": \"no-text\"}"),
                quarantine.stream().map(q -> q.<String>getAs("preview")).collect(java.util.stream.Collectors.toSet()));

        // No redacted PII, no rejected text and no quarantined record reaches the shards.
        Tokenizer tok = TokenizerJson.read(Files.readString(out.resolve("tokenizer.json")), "tokenizer.json");
        StringBuilder all = new StringBuilder();
        for (String split : List.of("train", "validation")) {
            for (Row row : spark.read().parquet(out.resolve(split).toString()).collectAsList()) {
                all.append(tok.decode(row.<Integer>getList(0).stream().mapToInt(Integer::intValue).toArray()));
            }
        }
        for (String absent : List.of("jane.doe", "555-0132", "Geschichte", "short note", "{ return", "closing quote")) {
            assertFalse(all.indexOf(absent) >= 0, absent + " reached the shards");
        }
    }

    static List<String> stageNames(JsonNode stats) {
        List<String> names = new ArrayList<>();
        stats.get("stages").forEach(s -> names.add(s.get("name").asText()));
        return names;
    }
}
