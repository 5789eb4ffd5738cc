package dev.sparklm.preprocess;

import java.util.random.RandomGenerator;

/** Random texts for tests that check a scan against the regex or definition it replaces. */
public final class RandomTexts {
    private RandomTexts() {}

    /** Fewer than {@code maxPieces} pieces, each drawn at random from {@code pieces}, joined. */
    public static String of(RandomGenerator random, String[] pieces, int maxPieces) {
        StringBuilder sb = new StringBuilder();
        for (int p = random.nextInt(maxPieces); p > 0; p--) {
            sb.append(pieces[random.nextInt(pieces.length)]);
        }
        return sb.toString();
    }
}
