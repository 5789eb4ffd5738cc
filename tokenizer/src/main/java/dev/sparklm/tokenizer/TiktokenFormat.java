package dev.sparklm.tokenizer;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** tiktoken's rank files ({@code <base64 token> <rank>} per line), e.g. r50k_base = GPT-2. */
public final class TiktokenFormat {
    private TiktokenFormat() {}

    /**
     * @param source the file, for error messages
     * @param specials special tokens and their ids (for GPT-2: {@code <|endoftext|>} = 50256)
     */
    public static ByteLevelBpeTokenizer read(String text, String source, Map<String, Integer> specials, PreTokenizer preTokenizer) {
        List<byte[]> byRank = new ArrayList<>();
        String[] lines = text.split("\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            int space = line.indexOf(' ');
            try {
                if (space < 0) {
                    throw new IllegalArgumentException("expected '<base64> <rank>'");
                }
                int rank = Integer.parseInt(line.substring(space + 1));
                if (rank != byRank.size()) {
                    throw new IllegalArgumentException("rank " + rank + " where " + byRank.size() + " was expected (ranks must be 0, 1, 2, ...)");
                }
                byRank.add(Base64.getDecoder().decode(line.substring(0, space)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(source + ":" + (i + 1) + ": " + e.getMessage());
            }
        }
        return ByteLevelBpeTokenizer.fromRanks(byRank.toArray(new byte[0][]), specials, preTokenizer);
    }
}
