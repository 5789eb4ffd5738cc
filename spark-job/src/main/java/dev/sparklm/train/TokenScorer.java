package dev.sparklm.train;

import dev.sparklm.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * How surprised a model is by each token of a text: the text is read as the start of a document
 * (after an {@code <|endoftext|>}), and token i's loss is -ln p(token i | the tokens before it),
 * from one forward pass over at most {@code context} tokens.
 */
public final class TokenScorer {
    private final NextTokenModel model;
    private final Tokenizer tokenizer;
    private final int context;

    public TokenScorer(MultiLayerNetwork net, Tokenizer tokenizer, int context) {
        this.model = new NextTokenModel(net, tokenizer.endOfTextId());
        this.tokenizer = tokenizer;
        this.context = context;
    }

    /** One token of a scored text. */
    public record Token(int id, String text, double loss) {}

    /** A scored text: its tokens (the first {@code context} of it) and their mean loss. */
    public record Scored(String text, List<Token> tokens, boolean truncated) {
        public double loss() {
            return tokens.stream().mapToDouble(Token::loss).average().orElse(Double.NaN);
        }

        public double perplexity() {
            return Math.exp(loss());
        }
    }

    public Scored score(String text) {
        int[] encoded = tokenizer.encode(text);
        if (encoded.length == 0) {
            throw new IllegalArgumentException("nothing to score: the text has no tokens");
        }
        int n = Math.min(encoded.length, context);
        int[] ids = new int[n + 1];
        ids[0] = tokenizer.endOfTextId();
        System.arraycopy(encoded, 0, ids, 1, n);
        NextTokenModel.Output out = model.forward(ids, 0, n);
        List<Token> tokens = new ArrayList<>(n);
        for (int t = 0; t < n; t++) {
            int next = ids[t + 1];
            double p = out.probability(t, next);
            tokens.add(new Token(next, tokenizer.decode(next), -Math.log(Math.max(p, Double.MIN_VALUE))));
        }
        return new Scored(text, tokens, encoded.length > n);
    }
}
