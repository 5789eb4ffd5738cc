package dev.sparklm.tokenizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files GPT-2 and HuggingFace tokenizers use for byte-level BPE: the pair
 * {@code vocab.json} + {@code merges.txt}, and the single {@code tokenizer.json} (a BPE model
 * with the ByteLevel pre-tokenizer, or a Split regex then ByteLevel for cl100k). Token strings
 * are the tokens' bytes through {@link ByteLevel}'s mapping. Errors name the file, and the line
 * for merges.txt.
 */
public final class HuggingFaceFormat {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private HuggingFaceFormat() {}

    // ---------------------------------------------------------------- vocab.json + merges.txt

    public static String vocabJson(ByteLevelBpeTokenizer t) {
        ObjectNode vocab = MAPPER.createObjectNode();
        for (int id = 0; id < t.vocabSize(); id++) {
            vocab.put(tokenString(t, id), id);
        }
        return write(vocab);
    }

    public static String mergesTxt(ByteLevelBpeTokenizer t) {
        StringBuilder sb = new StringBuilder("#version: 0.2\n");
        for (int r = 0; r < t.mergeCount(); r++) {
            int[] m = t.merge(r);
            sb.append(ByteLevel.encode(t.tokenBytes(m[0]))).append(' ').append(ByteLevel.encode(t.tokenBytes(m[1]))).append('\n');
        }
        return sb.toString();
    }

    /**
     * Reads GPT-2's pair of files. Vocabulary entries equal to one of {@code specialTokens}
     * become special tokens (GPT-2's {@code <|endoftext|>} is one).
     */
    public static ByteLevelBpeTokenizer fromVocabAndMerges(String vocabJson, String vocabSource, String mergesTxt,
                                                           String mergesSource, List<String> specialTokens,
                                                           PreTokenizer preTokenizer) {
        JsonNode vocab = parse(vocabJson, vocabSource);
        if (!vocab.isObject()) {
            throw new IllegalArgumentException(vocabSource + ": expected a JSON object of token -> id");
        }
        Map<String, Integer> specials = new LinkedHashMap<>();
        Map<String, Integer> ids = readVocab(vocab, vocabSource);
        for (String s : specialTokens) {
            if (ids.containsKey(s)) {
                specials.put(s, ids.get(s));
            }
        }
        return build(ids, specials, readMerges(mergesTxt, mergesSource), mergesSource, vocabSource, preTokenizer);
    }

    private static Map<String, Integer> readVocab(JsonNode vocab, String source) {
        Map<String, Integer> ids = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = vocab.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().canConvertToInt() || e.getValue().asInt() < 0) {
                throw new IllegalArgumentException(source + ": token " + quote(e.getKey()) + " has id " + e.getValue()
                        + ", expected a non-negative integer");
            }
            ids.put(e.getKey(), e.getValue().asInt());
        }
        return ids;
    }

    /** Each merge as its two token strings, with 1-based line numbers for errors. */
    private static List<String[]> readMerges(String text, String source) {
        List<String[]> merges = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            if (line.isEmpty() || (i == 0 && line.startsWith("#version"))) {
                continue;
            }
            int space = line.indexOf(' ');
            if (space <= 0 || space == line.length() - 1 || line.indexOf(' ', space + 1) >= 0) {
                throw new IllegalArgumentException(source + ":" + (i + 1) + ": expected two tokens separated by one space, got "
                        + quote(line));
            }
            merges.add(new String[] {line.substring(0, space), line.substring(space + 1), String.valueOf(i + 1)});
        }
        return merges;
    }

    private static ByteLevelBpeTokenizer build(Map<String, Integer> ids, Map<String, Integer> specials,
                                               List<String[]> merges, String mergesSource, String vocabSource,
                                               PreTokenizer preTokenizer) {
        int size = 0;
        for (int id : ids.values()) {
            size = Math.max(size, id + 1);
        }
        for (int id : specials.values()) {
            size = Math.max(size, id + 1);
        }
        byte[][] tokens = new byte[size][];
        for (Map.Entry<String, Integer> e : ids.entrySet()) {
            byte[] b = specials.containsKey(e.getKey()) ? e.getKey().getBytes(StandardCharsets.UTF_8) : ByteLevel.decode(e.getKey());
            if (b == null) {
                throw new IllegalArgumentException(vocabSource + ": token " + quote(e.getKey())
                        + " is not a byte-level token (a character outside GPT-2's byte mapping)");
            }
            if (tokens[e.getValue()] != null) {
                throw new IllegalArgumentException(vocabSource + ": id " + e.getValue() + " is used twice");
            }
            tokens[e.getValue()] = b;
        }
        for (Map.Entry<String, Integer> e : specials.entrySet()) {
            tokens[e.getValue()] = e.getKey().getBytes(StandardCharsets.UTF_8);
        }
        for (int id = 0; id < size; id++) {
            if (tokens[id] == null) {
                throw new IllegalArgumentException(vocabSource + ": no token has id " + id + " (ids must be 0.." + (size - 1) + ")");
            }
        }
        List<int[]> pairs = new ArrayList<>(merges.size());
        for (String[] m : merges) {
            Integer left = ids.get(m[0]);
            Integer right = ids.get(m[1]);
            if (left == null || right == null) {
                throw new IllegalArgumentException(mergesSource + ":" + m[2] + ": token " + quote(left == null ? m[0] : m[1])
                        + " is not in the vocabulary");
            }
            pairs.add(new int[] {left, right});
        }
        try {
            return new ByteLevelBpeTokenizer(tokens, pairs, specials, preTokenizer);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(mergesSource + ": " + e.getMessage());
        }
    }

    // ---------------------------------------------------------------- tokenizer.json

    public static String toTokenizerJson(ByteLevelBpeTokenizer t) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        t.specialTokens().forEach((content, id) -> added.addObject()
                .put("id", id).put("content", content).put("single_word", false).put("lstrip", false)
                .put("rstrip", false).put("normalized", false).put("special", true));
        root.putNull("normalizer");
        boolean gpt2 = t.preTokenizer() == PreTokenizer.GPT2;
        if (gpt2) {
            byteLevel(root.putObject("pre_tokenizer"), true);
        } else {
            ObjectNode seq = root.putObject("pre_tokenizer").put("type", "Sequence");
            ArrayNode list = seq.putArray("pretokenizers");
            ObjectNode split = list.addObject().put("type", "Split");
            split.putObject("pattern").put("Regex", ((PreTokenizer.RegexPreTokenizer) t.preTokenizer()).regex());
            split.put("behavior", "Isolated").put("invert", false);
            byteLevel(list.addObject(), false);
        }
        byteLevel(root.putObject("post_processor"), gpt2).put("trim_offsets", false);
        byteLevel(root.putObject("decoder"), gpt2);
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.put("continuing_subword_prefix", "");
        model.put("end_of_word_suffix", "");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        ObjectNode vocab = model.putObject("vocab");
        for (int id = 0; id < t.vocabSize(); id++) {
            vocab.put(tokenString(t, id), id);
        }
        ArrayNode merges = model.putArray("merges");
        for (int r = 0; r < t.mergeCount(); r++) {
            int[] m = t.merge(r);
            merges.add(ByteLevel.encode(t.tokenBytes(m[0])) + " " + ByteLevel.encode(t.tokenBytes(m[1])));
        }
        return write(root);
    }

    private static ObjectNode byteLevel(ObjectNode node, boolean useRegex) {
        return node.put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true).put("use_regex", useRegex);
    }

    /** Reads a HuggingFace tokenizer.json holding a byte-level BPE model. */
    static ByteLevelBpeTokenizer fromTokenizerJson(JsonNode root, String source) {
        JsonNode model = root.get("model");
        if (model == null || !"BPE".equals(model.path("type").asText())) {
            throw new IllegalArgumentException(source + ": model.type is " + model.path("type") + ", only BPE is supported");
        }
        JsonNode vocab = model.get("vocab");
        if (vocab == null || !vocab.isObject()) {
            throw new IllegalArgumentException(source + ": model.vocab is missing or not an object");
        }
        Map<String, Integer> ids = readVocab(vocab, source);
        Map<String, Integer> specials = new LinkedHashMap<>();
        for (JsonNode a : root.path("added_tokens")) {
            if (a.path("special").asBoolean(false)) {
                specials.put(a.path("content").asText(), a.path("id").asInt());
            }
        }
        Map<String, Integer> regular = new HashMap<>(ids);
        specials.forEach((content, id) -> regular.putIfAbsent(content, id));
        List<String[]> merges = new ArrayList<>();
        int n = 0;
        for (JsonNode m : model.path("merges")) {
            n++;
            String[] pair;
            if (m.isArray() && m.size() == 2) {
                pair = new String[] {m.get(0).asText(), m.get(1).asText(), "merge " + n};
            } else {
                String line = m.asText();
                int space = line.indexOf(' ');
                if (space <= 0 || line.indexOf(' ', space + 1) >= 0) {
                    throw new IllegalArgumentException(source + ": model.merges[" + (n - 1) + "] is " + quote(line)
                            + ", expected two tokens separated by one space");
                }
                pair = new String[] {line.substring(0, space), line.substring(space + 1), "merge " + n};
            }
            merges.add(pair);
        }
        return build(regular, specials, merges, source, source, preTokenizerOf(root.get("pre_tokenizer"), source));
    }

    private static PreTokenizer preTokenizerOf(JsonNode p, String source) {
        if (p != null && "ByteLevel".equals(p.path("type").asText()) && p.path("use_regex").asBoolean(true)
                && !p.path("add_prefix_space").asBoolean(false)) {
            return PreTokenizer.GPT2;
        }
        if (p != null && "Sequence".equals(p.path("type").asText())) {
            JsonNode list = p.path("pretokenizers");
            if (list.size() == 2 && "Split".equals(list.get(0).path("type").asText())
                    && PreTokenizer.CL100K_PATTERN.equals(list.get(0).path("pattern").path("Regex").asText())
                    && "ByteLevel".equals(list.get(1).path("type").asText())) {
                return PreTokenizer.CL100K;
            }
        }
        throw new IllegalArgumentException(source + ": unsupported pre_tokenizer " + p
                + " (supported: ByteLevel with use_regex and no prefix space, or Split with the cl100k pattern then ByteLevel)");
    }

    // ---------------------------------------------------------------- helpers

    private static String tokenString(ByteLevelBpeTokenizer t, int id) {
        return t.isSpecial(id) ? new String(t.tokenBytes(id), StandardCharsets.UTF_8) : ByteLevel.encode(t.tokenBytes(id));
    }

    private static JsonNode parse(String json, String source) {
        try {
            JsonNode node = MAPPER.readTree(json);
            if (node == null) {
                throw new IllegalArgumentException(source + ": empty file");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(source + ": not valid JSON (line " + e.getLocation().getLineNr() + "): "
                    + e.getOriginalMessage());
        }
    }

    private static String write(JsonNode node) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String quote(String s) {
        return "'" + (s.length() > 60 ? s.substring(0, 60) + "..." : s) + "'";
    }
}
