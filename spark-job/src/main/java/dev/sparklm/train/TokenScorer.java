package dev.sparklm.train;

import dev.sparklm.model.LanguageModels;
import dev.sparklm.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * How surprised a model is by each token of a text: the text is read as the start of a document
 * (after an {@code <|endoftext|>}), and token i's loss is -ln p(token i | the tokens before it),
 * from one forward pass over at most {@code context} tokens.
 */
public final class TokenScorer {
    private final MultiLayerNetwork net;
    private final Tokenizer tokenizer;
    private final int context;
    private final int fixedLength;     // the transformer's input length; 0 for the LSTM
    private final boolean timeMajor;

    public TokenScorer(MultiLayerNetwork net, Tokenizer tokenizer, int context) {
        this.net = net;
        this.tokenizer = tokenizer;
        this.context = context;
        this.fixedLength = LanguageModels.fixedContext(net.getLayerWiseConfigurations());
        this.timeMajor = LanguageModels.outputFormat(net) == RNNFormat.NWC;
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
        // A transformer takes exactly its context: pad on the right, where the causal mask keeps
        // the padding from influencing the positions before it.
        float[] input = new float[fixedLength > 0 ? fixedLength : n];
        Arrays.fill(input, tokenizer.endOfTextId());
        for (int t = 0; t < n; t++) {
            input[t] = ids[t];
        }
        INDArray out = net.output(Nd4j.create(input, new long[] {1, input.length}, DataType.FLOAT), false);
        List<Token> tokens = new ArrayList<>(n);
        for (int t = 0; t < n; t++) {
            int next = ids[t + 1];
            double p = timeMajor ? out.getDouble(0, t, next) : out.getDouble(0, next, t);
            tokens.add(new Token(next, tokenizer.decode(new int[] {next}), -Math.log(Math.max(p, Double.MIN_VALUE))));
        }
        return new Scored(text, tokens, encoded.length > n);
    }
}
