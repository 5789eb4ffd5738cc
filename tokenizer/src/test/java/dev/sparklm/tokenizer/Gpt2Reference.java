package dev.sparklm.tokenizer;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** GPT-2's vocabulary loaded into our encoder (from JTokkit's r50k_base ranks), and JTokkit itself. */
final class Gpt2Reference {
    static final ByteLevelBpeTokenizer GPT2 = load();
    static final Encoding JTOKKIT = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.R50K_BASE);

    private Gpt2Reference() {}

    static String r50kRanks() {
        try (InputStream in = Encoding.class.getResourceAsStream("/com/knuddels/jtokkit/r50k_base.tiktoken")) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ByteLevelBpeTokenizer load() {
        return TiktokenFormat.read(r50kRanks(), "r50k_base.tiktoken", Map.of(Tokenizer.END_OF_TEXT, 50256), PreTokenizer.GPT2);
    }

    static int[] jtokkit(String text) {
        return JTOKKIT.encodeOrdinary(text).toArray();
    }
}
