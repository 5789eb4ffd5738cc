package dev.sparklm.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.NoOp;

class GptLanguageModelTest {
    static final int VOCAB = 7, CONTEXT = 5, LAYERS = 2, HEADS = 2, EMBEDDING = 8;

    static MultiLayerNetwork tiny(DataType type, String init) {
        MultiLayerConfiguration conf = GptLanguageModel.configuration(
                new GptLanguageModel.Shape(VOCAB, CONTEXT, LAYERS, HEADS, EMBEDDING, init),
                new NeuralNetConfiguration.Builder().seed(12345).dataType(type).updater(new NoOp()));
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    static INDArray ids(int batch, long seed, DataType type) {
        Random r = new Random(seed);
        INDArray x = Nd4j.create(type, batch, CONTEXT);
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < CONTEXT; t++) {
                x.putScalar(b, t, r.nextInt(VOCAB));
            }
        }
        return x;
    }

    /** Next-token labels as class indices, [batch, time, 1] (the model's loss takes sparse labels). */
    static INDArray sparseLabels(int batch, long seed, DataType type) {
        Random r = new Random(seed);
        INDArray y = Nd4j.zeros(type, batch, CONTEXT, 1);
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < CONTEXT; t++) {
                y.putScalar(new long[] {b, t, 0}, r.nextInt(VOCAB));
            }
        }
        return y;
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            // Log each failing parameter (the tests keep DL4J at WARN otherwise).
            org.apache.logging.log4j.core.config.Configurator.setLevel("org.deeplearning4j.gradientcheck", org.apache.logging.log4j.Level.INFO);
            MultiLayerNetwork net = tiny(DataType.DOUBLE, "gpt2");
            // Larger weights than GPT-2's 0.02 so every parameter's gradient is well above noise.
            net.setParams(Nd4j.rand(DataType.DOUBLE, net.params().shape()).subi(0.5).muli(0.8));
            boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig()
                    .net(net).input(ids(3, 1, DataType.DOUBLE)).labels(sparseLabels(3, 2, DataType.DOUBLE))
                    .epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-8).print(GradientCheckUtil.PrintMode.FAILURES_ONLY)
                    .exitOnFirstError(false));
            assertTrue(ok, "analytic gradients of every parameter (attention included) match finite differences");
        } finally {
            Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        }
    }

    @Test
    void aChangeToALaterTokenNeverChangesAnEarlierPosition() {
        MultiLayerNetwork net = tiny(DataType.FLOAT, "xavier");
        INDArray x = ids(2, 3, DataType.FLOAT);
        INDArray before = net.output(x, false);                        // [batch, time, vocab]
        for (int changed = 0; changed < CONTEXT; changed++) {
            INDArray y = x.dup();
            y.putScalar(0, changed, (y.getInt(0, changed) + 1) % VOCAB);
            INDArray after = net.output(y, false);
            for (int t = 0; t < CONTEXT; t++) {
                INDArray a = before.get(NDArrayIndex.point(0), NDArrayIndex.point(t), NDArrayIndex.all());
                INDArray b = after.get(NDArrayIndex.point(0), NDArrayIndex.point(t), NDArrayIndex.all());
                if (t < changed) {
                    assertArrayEquals(a.toFloatVector(), b.toFloatVector(), 0f, "position " + t + " sees token " + changed);
                } else {
                    assertFalse(a.equalsWithEps(b, 1e-7), "position " + t + " must see token " + changed);
                }
            }
            // The other sequence of the batch is untouched.
            assertEquals(before.get(NDArrayIndex.point(1)), after.get(NDArrayIndex.point(1)));
        }
    }

    @Test
    void configurationRoundTripsThroughJsonAndCheckpointsKeepOutputs() throws Exception {
        MultiLayerNetwork net = tiny(DataType.FLOAT, "he");
        String json = net.getLayerWiseConfigurations().toJson();
        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(json);
        assertEquals(json, back.toJson());
        assertEquals(net.getLayerWiseConfigurations(), back);
        assertTrue(json.contains("TransformerBlock") && json.contains("\"heads\" : 2"), "the block's settings are in the JSON");

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(net, bytes, true);
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes.toByteArray()), true);
        INDArray x = ids(3, 9, DataType.FLOAT);
        assertEquals(net.output(x, false), restored.output(x, false));
        assertEquals(LanguageModels.outputFormat(net), LanguageModels.outputFormat(restored));
        assertEquals(CONTEXT, LanguageModels.fixedContext(restored.getLayerWiseConfigurations()));
    }

    @Test
    void initializationSchemesSetTheDocumentedScales() {
        MultiLayerNetwork gpt2 = tiny(DataType.FLOAT, "gpt2");
        INDArray wq = gpt2.getParam("2_wq");
        INDArray wo = gpt2.getParam("2_wo");
        assertEquals(0.02, wq.stdNumber().doubleValue(), 0.02 * 0.5, "normal(0, 0.02)");
        assertEquals(0.02 / Math.sqrt(2 * LAYERS), wo.stdNumber().doubleValue(), 0.01 * 0.5, "residual projection scaled");
        assertEquals(1.0, gpt2.getParam("2_lnag").meanNumber().doubleValue(), 0.0);
        MultiLayerNetwork he = tiny(DataType.FLOAT, "he");
        assertEquals(Math.sqrt(2.0 / EMBEDDING), he.getParam("2_wq").stdNumber().doubleValue(), 0.5 * Math.sqrt(2.0 / EMBEDDING));
    }

    @Test
    void dropoutActsInTrainingOnlyAndRoundTripsThroughJson() {
        MultiLayerConfiguration conf = GptLanguageModel.configuration(
                new GptLanguageModel.Shape(VOCAB, CONTEXT, LAYERS, HEADS, EMBEDDING, "gpt2", 0.3),
                new NeuralNetConfiguration.Builder().seed(12345).dataType(DataType.FLOAT).updater(new NoOp()));
        assertEquals(2 + 2 * LAYERS + 1 + 2 + 0, conf.getConfs().size(),
                "embeddings, dropout, (block, dropout) x layers, final LayerNorm, output");
        assertEquals(conf, MultiLayerConfiguration.fromJson(conf.toJson()));
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        INDArray x = ids(3, 1, DataType.FLOAT);
        INDArray inference = net.output(x, false);
        org.junit.jupiter.api.Assertions.assertEquals(inference, net.output(x, false), "inference is deterministic");
        INDArray trainA = net.output(x, true);
        INDArray trainB = net.output(x, true);
        org.junit.jupiter.api.Assertions.assertNotEquals(trainA, trainB, "training draws new masks");
        org.junit.jupiter.api.Assertions.assertNotEquals(inference, trainA);
        // Without dropout the network has no dropout layers at all.
        assertEquals(2 + LAYERS + 2, GptLanguageModel.configuration(
                new GptLanguageModel.Shape(VOCAB, CONTEXT, LAYERS, HEADS, EMBEDDING, "gpt2"),
                new NeuralNetConfiguration.Builder()).getConfs().size());
    }
}
