package dev.sparklm.tokenizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The tokenizer file ({@code tokenizer.json}): HuggingFace's format for byte-level BPE (a
 * {@code "model"} object), or ours for the character tokenizer ({@code {"type": "char", ...}}).
 * Reading checks every field and names what is wrong, since a tokenizer file that loads
 * "almost" right would silently corrupt every id of a training run.
 */
public final class TokenizerJson {
    static final int VERSION = 1;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TokenizerJson() {}

    /**
     * Rebuilds a tokenizer from its JSON form.
     *
     * @param source the file name, used in error messages
     * @throws IllegalArgumentException naming {@code source} and the problem
     */
    public static Tokenizer read(String json, String source) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(source + ": not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(source + ": expected a JSON object");
        }
        if (root.has("model")) {
            return HuggingFaceFormat.fromTokenizerJson(root, source);
        }
        String type = requiredText(root, "type", source);
        int version = root.path("version").asInt(-1);
        if (version != VERSION) {
            throw new IllegalArgumentException(source + ": unsupported tokenizer file version "
                    + root.path("version") + " (this build reads version " + VERSION + ")");
        }
        if (CharTokenizer.TYPE.equals(type)) {
            return CharTokenizer.fromCodePoints(requiredText(root, "alphabet", source).codePoints());
        }
        throw new IllegalArgumentException(source + ": unknown tokenizer type '" + type + "'");
    }

    static String writeChar(CharTokenizer tokenizer) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("type", CharTokenizer.TYPE);
        root.put("version", VERSION);
        root.putArray("special_tokens").add(Tokenizer.END_OF_TEXT).add(CharTokenizer.UNKNOWN);
        root.put("alphabet", tokenizer.alphabet());
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String requiredText(JsonNode root, String field, String source) {
        JsonNode node = root.get(field);
        if (node == null || !node.isTextual()) {
            throw new IllegalArgumentException(source + ": missing or non-text field '" + field + "'");
        }
        return node.asText();
    }
}
