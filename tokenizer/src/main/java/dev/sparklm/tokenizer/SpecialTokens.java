package dev.sparklm.tokenizer;

/** What {@link ByteLevelBpeTokenizer#encode(String, SpecialTokens)} does with special-token strings in the text. */
public enum SpecialTokens {
    /** Encode them as ordinary text (the safe default for untrusted documents). */
    AS_TEXT,
    /** Encode each as its single special id. */
    ALLOW,
    /** Throw: the text must not contain them. */
    REJECT
}
