package dev.sparklm.train;

import dev.sparklm.tokenizer.Tokenizer;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Consumer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Continues a prompt one token at a time: the model sees the last {@code context} tokens, the
 * next token is sampled from its distribution at the last position (temperature, then top-k),
 * and each token is handed to the caller as soon as it is chosen.
 */
public final class TextGenerator {
    private final NextTokenModel model;
    private final Tokenizer tokenizer;
    private final int context;

    public TextGenerator(MultiLayerNetwork net, Tokenizer tokenizer, int context) {
        this.model = new NextTokenModel(net, tokenizer.endOfTextId());
        this.tokenizer = tokenizer;
        this.context = context;
    }

    /**
     * @param temperature 0 picks the most likely token; higher flattens the distribution
     * @param topK        sample among the k most likely tokens only; 0 = all
     * @param onText      receives each new token's text
     * @return the generated ids (without the prompt)
     */
    public int[] generate(String prompt, int maxTokens, double temperature, int topK, long seed, Consumer<String> onText) {
        return generate(prompt, maxTokens, temperature, topK, 1.0, seed, onText);
    }

    /**
     * Continues across documents: an {@code <|endoftext|>} is generated like any token.
     *
     * @param topP sample among the most likely tokens whose probabilities add up to p (nucleus); 1 = all
     */
    public int[] generate(String prompt, int maxTokens, double temperature, int topK, double topP, long seed,
                          Consumer<String> onText) {
        return generate(prompt, maxTokens, temperature, topK, topP, seed, false, onText);
    }

    /**
     * What is wrong with these sampling settings, each named as {@code names} says (max tokens,
     * temperature, top-k, top-p: the command line names its options), or null if nothing is.
     */
    static String invalid(int maxTokens, double temperature, int topK, double topP, String... names) {
        if (maxTokens < 0) {
            return names[0] + " must be 0 or more, got " + maxTokens;
        }
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            return names[1] + " must be a number >= 0 (0 = greedy), got " + temperature;
        }
        if (topK < 0) {
            return names[2] + " must be 0 (all tokens) or more, got " + topK;
        }
        if (!(topP > 0 && topP <= 1)) {
            return names[3] + " must be in (0, 1] (1 = all tokens), got " + topP;
        }
        return null;
    }

    /**
     * @param stopAtEndOfText end when the model samples {@code <|endoftext|>} (the document is
     *                        over), without it in the text or the returned ids
     */
    public int[] generate(String prompt, int maxTokens, double temperature, int topK, double topP, long seed,
                          boolean stopAtEndOfText, Consumer<String> onText) {
        String invalid = invalid(maxTokens, temperature, topK, topP, "max tokens", "temperature", "top-k", "top-p");
        if (invalid != null) {
            throw new IllegalArgumentException(invalid);
        }
        int[] promptIds = tokenizer.encode(prompt);
        if (promptIds.length == 0) {
            promptIds = new int[] {tokenizer.endOfTextId()}; // start as if after a document
        }
        int[] ids = Arrays.copyOf(promptIds, promptIds.length + maxTokens);
        int n = promptIds.length;
        Random random = new Random(seed);
        int printed = 0;
        for (int i = 0; i < maxTokens; i++) {
            int from = Math.max(0, n - context);
            float[] probs = model.forward(ids, from, n).distribution(n - from - 1);
            int next = sample(probs, temperature, topK, topP, random);
            if (stopAtEndOfText && next == tokenizer.endOfTextId()) {
                break;
            }
            ids[n++] = next;
            // A byte-level token can end inside a multi-byte character: hold back trailing
            // U+FFFDs (up to 3: a character's missing bytes) until the next token completes it.
            String text = tokenizer.decode(Arrays.copyOfRange(ids, promptIds.length, n));
            int stable = text.length();
            while (i + 1 < maxTokens && stable > 0 && text.length() - stable < 3 && text.charAt(stable - 1) == '\uFFFD') {
                stable--;
            }
            if (stable > printed) {
                onText.accept(text.substring(printed, stable));
                printed = stable;
            }
        }
        // After a stop at end of text, what was held back is all there will be.
        String text = tokenizer.decode(Arrays.copyOfRange(ids, promptIds.length, n));
        if (text.length() > printed) {
            onText.accept(text.substring(printed));
        }
        return Arrays.copyOfRange(ids, promptIds.length, n);
    }

    static int sample(float[] probs, double temperature, int topK, double topP, Random random) {
        int v = probs.length;
        if (temperature == 0) {
            int best = 0;
            for (int i = 1; i < v; i++) {
                if (probs[i] > probs[best]) {
                    best = i;
                }
            }
            return best;
        }
        double[] w = new double[v];
        for (int i = 0; i < v; i++) {
            // p^(1/T) is softmax(logits / T) up to normalization.
            w[i] = Math.pow(Math.max(probs[i], 0f), 1.0 / temperature);
        }
        if (topK > 0 && topK < v) {
            double[] sorted = w.clone();
            Arrays.sort(sorted);
            double threshold = sorted[v - topK];
            for (int i = 0; i < v; i++) {
                if (w[i] < threshold) {
                    w[i] = 0;
                }
            }
        }
        double total = 0;
        for (double x : w) {
            total += x;
        }
        if (topP < 1) {
            // Keep the likeliest tokens until their share reaches topP; drop the rest.
            Integer[] order = new Integer[v];
            for (int i = 0; i < v; i++) {
                order[i] = i;
            }
            double[] weights = w;
            Arrays.sort(order, (a, b) -> Double.compare(weights[b], weights[a]));
            double kept = 0;
            int k = 0;
            while (k < v && kept < topP * total) {
                kept += w[order[k++]];
            }
            for (int i = k; i < v; i++) {
                w[order[i]] = 0;
            }
            total = kept;
        }
        double r = random.nextDouble() * total;
        for (int i = 0; i < v; i++) {
            r -= w[i];
            if (r < 0) {
                return i;
            }
        }
        return v - 1;
    }
}
