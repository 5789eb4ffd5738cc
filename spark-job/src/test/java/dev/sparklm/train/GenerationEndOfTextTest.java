package dev.sparklm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparklm.tokenizer.CharTokenizer;
import java.util.Map;
import java.util.Optional;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class GenerationEndOfTextTest {
    private final CharTokenizer tokenizer = CharTokenizer.train("abc de");

    /** An LSTM whose output bias makes {@code favoured} the likeliest next token everywhere. */
    private TextGenerator favouring(int favoured) {
        TrainConfig cfg = TrainConfig.load(Optional.empty(), Map.of("data", "/tmp", "model.type", "lstm",
                "model.embedding", "8", "model.hidden", "8"));
        MultiLayerNetwork net = new MultiLayerNetwork(TrainJob.modelConfiguration(cfg, tokenizer.vocabSize(), 1, 10));
        net.init();
        INDArray bias = net.getLayer(net.getnLayers() - 1).getParam("b");
        bias.assign(0).putScalar(favoured, 50.0);
        return new TextGenerator(net, tokenizer, 16);
    }

    @Test
    void generationStopsWhereTheModelEndsTheDocument() {
        TextGenerator generator = favouring(tokenizer.endOfTextId());
        StringBuilder text = new StringBuilder();
        int[] ids = generator.generate("ab", 20, 0, 0, 1.0, 1, true, text::append);
        assertEquals(0, ids.length, "the first token sampled ends the document");
        assertEquals("", text.toString());

        StringBuilder across = new StringBuilder();
        int[] all = generator.generate("ab", 20, 0, 0, 1.0, 1, false, across::append);
        assertEquals(20, all.length, "across documents it keeps going");
        assertTrue(across.toString().contains("<|endoftext|>"), across.toString());
    }

    @Test
    void aModelThatDoesNotEndTheDocumentGeneratesAllTokens() {
        int d = tokenizer.encode("d")[0];
        StringBuilder text = new StringBuilder();
        int[] ids = favouring(d).generate("ab", 12, 0, 0, 1.0, 1, true, text::append);
        int[] expected = new int[12];
        java.util.Arrays.fill(expected, d);
        assertArrayEquals(expected, ids);
        assertEquals("dddddddddddd", text.toString());
        assertFalse(text.toString().contains("<|endoftext|>"));
    }
}
