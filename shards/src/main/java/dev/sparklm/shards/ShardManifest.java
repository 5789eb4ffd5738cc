package dev.sparklm.shards;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.sparklm.io.SnakeCaseJson;
import java.util.List;
import java.util.Map;

/**
 * {@code manifest.json}: the contract between the preprocessing job and the training job.
 * Written last, so a directory with a manifest is a complete output.
 *
 * @param schemaVersion bumped when the layout or the meaning of a field changes
 * @param context       model context; every row of {@code input_ids} has {@code context + 1} ids
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ShardManifest(
        int schemaVersion,
        String createdAt,
        String input,
        String inputFormat,
        TokenizerInfo tokenizer,
        int context,
        int sequenceLength,
        String column,
        Map<String, SplitInfo> splits,
        long documentsRead,
        long documentsDropped) {

    public static final int SCHEMA_VERSION = 1;
    public static final String FILE_NAME = "manifest.json";
    public static final String COLUMN = "input_ids";
    /** The splits' names (their directories and keys in {@code splits}). */
    public static final String TRAIN = "train";
    public static final String VALIDATION = "validation";
    public static final String TEST = "test";

    @JsonIgnoreProperties(ignoreUnknown = true)
    /**
     * @param trainingChunks distinct pre-tokenized chunks the BPE was trained on (0 for "char")
     * @param minChunkCount  the fewest times a chunk was seen in the training split to be among
     *                       them (min-chunk-frequency, or higher where max-chunks bounded them)
     */
    public record TokenizerInfo(String type, String file, String fingerprint, int vocabSize, int endOfTextId,
                                long trainingChunks, long minChunkCount) {}

    /**
     * @param tokens    ids in the split's documents, end-of-text separators included
     * @param sequences rows written; each predicts {@code context} targets
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record SplitInfo(String path, long documents, long tokens, long sequences, long droppedTailTokens, List<String> files) {}

    public String toJson() {
        return SnakeCaseJson.write(this);
    }

    /** @param source the file, for error messages */
    public static ShardManifest fromJson(String json, String source) {
        ShardManifest m = SnakeCaseJson.read(json, ShardManifest.class, source, "manifest");
        if (m.schemaVersion() != SCHEMA_VERSION) {
            throw new IllegalArgumentException(source + ": manifest schema version " + m.schemaVersion()
                    + ", this build reads version " + SCHEMA_VERSION);
        }
        if (m.tokenizer() == null || m.splits() == null || m.context() < 1) {
            throw new IllegalArgumentException(source + ": manifest lacks tokenizer, splits or context");
        }
        return m;
    }

    public SplitInfo split(String name) {
        SplitInfo s = splits.get(name);
        if (s == null) {
            throw new IllegalArgumentException("the manifest has no '" + name + "' split (it has " + splits.keySet() + ")");
        }
        return s;
    }
}
