package dev.sparklm.model;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The GPT of {@link GptLanguageModel}'s training step written out: the forward and the backward
 * pass by hand, every matrix product a libnd4j matmul (BLAS), everything between them (layer
 * norms, GELU, the causal softmax, residual sums, biases, the embeddings) plain Java loops over
 * arrays allocated once per minibatch shape.
 *
 * <p>Why not a SameDiff graph of the same model (the job's training path until 2026-11-30): on a
 * 2-core machine its op profile showed three costs that are not arithmetic. libnd4j's sparse
 * softmax cross-entropy and its gradient took 18% of a step at an 8k vocabulary (32 ns per logit;
 * its row softmax of the same logits takes 5 ns), its layer_norm backward 2.2 ms for a [384, 128] array (a Java
 * loop: under 0.1 ms), and the graph executor about a third of a step of nanoGPT's small
 * configuration; a step took 1.7x (8k vocabulary) to 2x (nanoGPT's) the time it takes here.
 * Here the loss is libnd4j's row softmax and its gradient {@code p - onehot} written in place,
 * and every array is allocated once: a step allocates no native arrays.
 *
 * <p>It computes what the network computes (same parameters, same formulas: libnd4j's GELU
 * {@code x * sigmoid(1.702 x)}, layer norm without epsilon), so the network, its updater,
 * checkpoints and evaluation are unchanged; {@code GptBackpropTest} compares loss and every
 * gradient with the network's own backward pass.
 *
 * <p>One thread at a time (a replica's).
 */
public final class GptBackprop {
    /** libnd4j's GELU: {@code x * sigmoid(1.702 x)} (its approximation, not erf). */
    private static final float GELU_K = 1.702f;

    private final MultiLayerNetwork net;
    private final int vocab;
    private final int context;
    private final int layers;
    private final int heads;
    private final int channels;
    private final int headSize;
    private final int hidden;
    /** Layer index of the first block, of the final norm and of the output layer. */
    private final int firstBlock;
    private final int finalNorm;
    private final int output;
    /** The output layer's weights with its bias as one more row, [C + 1, V]. */
    private final INDArray headWeights;
    private Buffers buffers;
    /** How many times arrays were allocated for a minibatch shape (once per shape change). */
    private int allocations;

    private GptBackprop(MultiLayerNetwork net, int context, int heads, int channels, int vocab, int layers) {
        this.net = net;
        this.context = context;
        this.heads = heads;
        this.channels = channels;
        this.vocab = vocab;
        this.layers = layers;
        this.headSize = channels / heads;
        this.hidden = 4 * channels;
        this.firstBlock = 2;
        this.finalNorm = firstBlock + layers;
        this.output = finalNorm + 1;
        // Row-major: a column-major copy (cheaper to refresh from DL4J's column-major weights)
        // measured slower in the products that read it (1.81 s a step against 1.50-1.70 s).
        this.headWeights = Nd4j.create(DataType.FLOAT, channels + 1, vocab);
    }

    /**
     * The step over {@code net}'s parameters, or null when the network is not a plain GPT
     * (dropout or frozen layers, an LSTM), which then trains layer by layer.
     */
    public static GptBackprop of(MultiLayerNetwork net) {
        var conf = net.getLayerWiseConfigurations();
        int n = net.getnLayers();
        if (LanguageModels.fixedContext(conf) == 0 || n < 5 || net.params().dataType() != DataType.FLOAT) {
            return null;
        }
        if (!(net.getLayer(0).conf().getLayer() instanceof EmbeddingSequenceLayer embedding)
                || !(net.getLayer(1).conf().getLayer() instanceof PositionEmbedding position)
                || !(net.getLayer(n - 2).conf().getLayer() instanceof LayerNorm)
                || !(net.getLayer(n - 1).conf().getLayer() instanceof RnnOutputLayer)) {
            return null;
        }
        int heads = -1;
        for (int i = 2; i < n - 2; i++) {
            if (!(net.getLayer(i).conf().getLayer() instanceof TransformerBlock block)
                    || (heads != -1 && block.getHeads() != heads)) {
                return null;
            }
            heads = block.getHeads();
        }
        if (heads == -1) {
            return null;
        }
        return new GptBackprop(net, position.getContext(), heads, (int) embedding.getNOut(), (int) embedding.getNIn(), n - 4);
    }

    /**
     * Loss (summed over the minibatch's predicted tokens) and its gradient for every parameter.
     *
     * @param ids       [batch, context] input ids
     * @param next      [batch * context] the ids to predict, row-major
     * @param gradients by the network's parameter key ("layer_param"): the arrays to write each
     *                  parameter's gradient into (of its shape; any ordering)
     */
    public double step(INDArray ids, INDArray next, Map<String, INDArray> gradients) {
        Buffers b = buffersFor((int) ids.size(0));
        int[] id = ids.reshape(-1).toIntVector();
        int[] target = next.reshape(-1).toIntVector();
        double loss = forward(b, id, target, true);
        backward(b, id, gradients);
        return loss;
    }

    /** The loss alone, summed over the minibatch's predicted tokens (nats): a forward pass. */
    public double loss(INDArray ids, INDArray next) {
        Buffers b = buffersFor((int) ids.size(0));
        return forward(b, ids.reshape(-1).toIntVector(), next.reshape(-1).toIntVector(), false);
    }

    private double forward(Buffers b, int[] id, int[] target, boolean training) {
        int n = b.rows;
        float[] x = b.x;
        embed(id, x);
        for (int l = 0; l < layers; l++) {
            Layer s = b.layer[l];
            int li = firstBlock + l;
            // Attention branch: x + (softmax(q k^T / sqrt(d) + causal) v) wo + bo, on ln1(x).
            layerNorm(x, rowMajor(param(li, "lnag")), rowMajor(param(li, "lnab")), s.xhat1, s.rstd1, b.rowsByChannels, n);
            write(b.rowsByChannels, s.a1);
            projectHeads(s.a1, param(li, "wq"), param(li, "bq"), b, s.q);
            projectHeads(s.a1, param(li, "wk"), param(li, "bk"), b, s.k);
            projectHeads(s.a1, param(li, "wv"), param(li, "bv"), b, s.v);
            matmul(s.q, false, s.k, true, b.scores, 0);
            read(b.scores, s.p);
            causalSoftmax(s.p, b.batch * heads, (float) (1 / Math.sqrt(headSize)));
            write(s.p, s.pArray);
            matmul(s.pArray, false, s.v, false, b.headsOut, 0);
            read(b.headsOut, b.headsFloats);
            mergeHeads(b.headsFloats, b.rowsByChannels, b.batch);
            write(b.rowsByChannels, s.merged);
            matmul(s.merged, false, param(li, "wo"), false, b.rc, 0);
            addInto(x, b.rc, rowMajor(param(li, "bo")), b.rowsByChannels);
            // MLP branch: x + gelu(ln2(x) wup + bup) wdown + bdown.
            layerNorm(x, rowMajor(param(li, "lnmg")), rowMajor(param(li, "lnmb")), s.xhat2, s.rstd2, b.rowsByChannels, n);
            write(b.rowsByChannels, s.a2);
            matmul(s.a2, false, param(li, "wup"), false, b.rh, 0);
            read(b.rh, s.u);
            float[] g = b.rowsByHidden;
            addBiasAndScale(s.u, rowMajor(param(li, "bup")), g);
            // The sigmoid by libnd4j (vectorized): Math.exp per element cost 3% of a step.
            write(g, b.rh);
            Nd4j.exec(new Sigmoid(b.rh, b.rh));
            read(b.rh, s.sig);
            multiply(s.u, s.sig, g);
            write(g, s.gelu);
            matmul(s.gelu, false, param(li, "wdown"), false, b.rc, 0);
            addInto(x, b.rc, rowMajor(param(li, "bdown")), b.rowsByChannels);
        }
        layerNorm(x, rowMajor(param(finalNorm, "g")), rowMajor(param(finalNorm, "b")), b.xhatF, b.rstdF, b.rowsByChannels, n);
        writeHeadInput(b);
        refreshHeadWeights();
        matmul(b.headInput, false, headWeights, false, b.logits, 0);
        Nd4j.exec(new SoftMax(b.logits, b.probabilities, 1));
        return crossEntropy(b, target, training);
    }

    /**
     * The loss summed over the rows of {@code b.probabilities} (softmax of {@code b.logits}); when
     * training, the probabilities become the logits' gradient, {@code p - onehot(target)}, in place.
     */
    private double crossEntropy(Buffers b, int[] target, boolean training) {
        FloatBuffer p = b.probabilities.data().asNioFloat();
        double loss = 0;
        for (int r = 0; r < b.rows; r++) {
            int t = target[r];
            if (t < 0 || t >= vocab) {
                throw new IllegalArgumentException("target id " + t + " is outside the vocabulary of " + vocab);
            }
            long at = (long) r * vocab + t;
            float pt = p.get((int) at);
            loss -= pt > 1e-30f ? Math.log(pt) : logSoftmax(b.logits, r, t);
            if (training) {
                p.put((int) at, pt - 1);   // d(-log softmax_t) / d logits = p - onehot(t)
            }
        }
        return loss;
    }

    private void backward(Buffers b, int[] id, Map<String, INDArray> gradients) {
        int n = b.rows;
        int c = channels;
        // Output layer: [C + 1, V] gradient of weights and bias in one product.
        matmul(b.headInput, true, b.probabilities, false, b.headGradient, 0);
        gradients.get(key(output, "W")).assign(b.headGradient.get(NDArrayIndex.interval(0, c), NDArrayIndex.all()));
        gradients.get(key(output, "b")).assign(b.headGradient.getRow(c).reshape(gradients.get(key(output, "b")).shape()));
        matmul(b.probabilities, false, headWeights.get(NDArrayIndex.interval(0, c), NDArrayIndex.all()), true, b.rc, 0);
        float[] dx = b.dx;
        Arrays.fill(dx, 0);
        normBackward(b, b.rc, finalNorm, "g", "b", b.xhatF, b.rstdF, gradients);
        for (int l = layers - 1; l >= 0; l--) {
            Layer s = b.layer[l];
            int li = firstBlock + l;
            // MLP branch. dx is the gradient of the block's output, the residual stream.
            write(dx, b.rc);
            put(gradients, li, "bdown", columnSums(dx, n, c));
            weightGradient(b, li, "wdown", s.gelu, b.rc, gradients);
            matmul(b.rc, false, param(li, "wdown"), true, b.rh, 0);
            float[] du = b.rowsByHidden;
            read(b.rh, du);
            geluBackward(du, s.u, s.sig);
            put(gradients, li, "bup", columnSums(du, n, hidden));
            write(du, b.rh);
            weightGradient(b, li, "wup", s.a2, b.rh, gradients);
            matmul(b.rh, false, param(li, "wup"), true, b.rc, 0);
            normBackward(b, b.rc, li, "lnmg", "lnmb", s.xhat2, s.rstd2, gradients);
            // Attention branch.
            write(dx, b.rc);
            put(gradients, li, "bo", columnSums(dx, n, c));
            weightGradient(b, li, "wo", s.merged, b.rc, gradients);
            matmul(b.rc, false, param(li, "wo"), true, b.rc2, 0);
            read(b.rc2, b.rowsByChannels);
            splitHeads(b.rowsByChannels, b.headsFloats, b.batch, null);
            write(b.headsFloats, b.headsOut);                                   // dY, [B, H, T, D]
            matmul(b.headsOut, false, s.v, true, b.scores, 0);                  // dP = dY v^T
            transposedProducts(s.pSlices, b.headsOutSlices, b.dvSlices);        // dV = P^T dY
            float[] ds = b.scoresFloats;
            read(b.scores, ds);
            causalSoftmaxBackward(s.p, ds, b.batch * heads, (float) (1 / Math.sqrt(headSize)));
            write(ds, b.scores);                                                // dS, scaled
            matmul(b.scores, false, s.k, false, b.dq, 0);                       // dQ = dS k
            transposedProducts(b.scoresSlices, s.qSlices, b.dkSlices);          // dK = dS^T q
            headsGradient(b, b.dq, li, "q", gradients, s.a1, 0);
            headsGradient(b, b.dk, li, "k", gradients, s.a1, 1);
            headsGradient(b, b.dv, li, "v", gradients, s.a1, 1);
            normBackward(b, b.rc2, li, "lnag", "lnab", s.xhat1, s.rstd1, gradients);
        }
        embedBackward(b, id, dx, gradients);
    }

    // The loops below are methods of their own, not inline in forward and backward: the JIT then
    // compiles each small loop at once instead of recompiling the whole pass (on-stack, once per
    // hot loop: six compilations of 1.1-2.3 s in a run's first round, on the cores training).

    /** Rows of token embedding plus position embedding. */
    private void embed(int[] id, float[] x) {
        int c = channels;
        Strided embedding = new Strided(param(0, "W"));
        float[] pos = rowMajor(param(1, "pos"));
        for (int r = 0; r < id.length; r++) {
            int t = r % context;
            int token = id[r];
            if (token < 0 || token >= vocab) {
                throw new IllegalArgumentException("token id " + token + " is outside the vocabulary of " + vocab);
            }
            for (int j = 0; j < c; j++) {
                x[r * c + j] = embedding.get(token, j) + pos[t * c + j];
            }
        }
    }

    /** Embedding gradients: position rows summed over the batch, token rows summed per id. */
    private void embedBackward(Buffers b, int[] id, float[] dx, Map<String, INDArray> gradients) {
        int c = channels;
        float[] dPos = b.positionGradient;
        float[] dToken = b.tokenGradient;
        Arrays.fill(dPos, 0);
        Arrays.fill(dToken, 0);
        for (int r = 0; r < id.length; r++) {
            int t = r % context;
            int to = id[r] * c;
            for (int j = 0; j < c; j++) {
                float g = dx[r * c + j];
                dPos[t * c + j] += g;
                dToken[to + j] += g;
            }
        }
        put(gradients, 1, "pos", dPos);
        put(gradients, 0, "W", dToken);
    }

    /** u += bias (per column), scaled = GELU_K * u: the MLP's pre-activation and the sigmoid's argument. */
    private static void addBiasAndScale(float[] u, float[] bias, float[] scaled) {
        int c = bias.length;
        for (int row = 0; row < u.length; row += c) {
            for (int j = 0; j < c; j++) {
                float v = u[row + j] + bias[j];
                u[row + j] = v;
                scaled[row + j] = GELU_K * v;
            }
        }
    }

    private static void multiply(float[] a, float[] b, float[] into) {
        for (int i = 0; i < into.length; i++) {
            into[i] = a[i] * b[i];
        }
    }

    /** d gelu(u) = d * sig * (1 + k u (1 - sig)), sig = sigmoid(k u), in place of d. */
    private static void geluBackward(float[] d, float[] u, float[] sig) {
        for (int i = 0; i < d.length; i++) {
            float s = sig[i];
            d[i] *= s * (1 + GELU_K * u[i] * (1 - s));
        }
    }

    /**
     * One of q, k, v: [N, C] gradient from its [B, H, T, D] one, its bias and weight gradients,
     * and its share of the norm's output gradient, added into {@code b.rc2} ({@code accumulate} 0 for
     * the first of the three).
     */
    private void headsGradient(Buffers b, INDArray heads4, int li, String which, Map<String, INDArray> gradients,
            INDArray normOut, int accumulate) {
        read(heads4, b.headsFloats);
        mergeHeads(b.headsFloats, b.rowsByChannels, b.batch);
        put(gradients, li, "b" + which, columnSums(b.rowsByChannels, b.rows, channels));
        write(b.rowsByChannels, b.rc);
        weightGradient(b, li, "w" + which, normOut, b.rc, gradients);
        matmul(b.rc, false, param(li, "w" + which), true, b.rc2, accumulate);
    }

    /** x [N, C] times w plus bias, split into heads: [B, H, T, D] in {@code into}. */
    private void projectHeads(INDArray x, INDArray w, INDArray bias, Buffers b, INDArray into) {
        matmul(x, false, w, false, b.rc, 0);
        read(b.rc, b.rowsByChannels);
        splitHeads(b.rowsByChannels, b.headsFloats, b.batch, rowMajor(bias));
        write(b.headsFloats, into);
    }

    /** [B, T, H, D] (rows of channels) to [B, H, T, D], adding the bias per channel if given. */
    private void splitHeads(float[] rows, float[] split, int batch, float[] bias) {
        int t = context;
        int d = headSize;
        for (int bi = 0; bi < batch; bi++) {
            for (int ti = 0; ti < t; ti++) {
                int from = (bi * t + ti) * channels;
                for (int h = 0; h < heads; h++) {
                    int to = ((bi * heads + h) * t + ti) * d;
                    for (int j = 0; j < d; j++) {
                        split[to + j] = rows[from + h * d + j] + (bias == null ? 0 : bias[h * d + j]);
                    }
                }
            }
        }
    }

    /** [B, H, T, D] back to rows of channels [B, T, H, D]. */
    private void mergeHeads(float[] split, float[] rows, int batch) {
        int t = context;
        int d = headSize;
        for (int bi = 0; bi < batch; bi++) {
            for (int h = 0; h < heads; h++) {
                for (int ti = 0; ti < t; ti++) {
                    System.arraycopy(split, ((bi * heads + h) * t + ti) * d, rows, (bi * t + ti) * channels + h * d, d);
                }
            }
        }
    }

    /** Softmax of each row of {@code count} [T, T] score matrices, times {@code scale}, over keys up to the query. */
    private void causalSoftmax(float[] p, int count, float scale) {
        int t = context;
        for (int m = 0; m < count; m++) {
            for (int i = 0; i < t; i++) {
                int row = (m * t + i) * t;
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j <= i; j++) {
                    max = Math.max(max, p[row + j] * scale);
                }
                float sum = 0;
                for (int j = 0; j <= i; j++) {
                    float e = (float) Math.exp(p[row + j] * scale - max);
                    p[row + j] = e;
                    sum += e;
                }
                float inv = 1 / sum;
                for (int j = 0; j <= i; j++) {
                    p[row + j] *= inv;
                }
                for (int j = i + 1; j < t; j++) {
                    p[row + j] = 0;
                }
            }
        }
    }

    /** dS = P * (dP - rowsum(P * dP)) * scale, in place of dP. */
    private void causalSoftmaxBackward(float[] p, float[] d, int count, float scale) {
        int t = context;
        for (int m = 0; m < count; m++) {
            for (int i = 0; i < t; i++) {
                int row = (m * t + i) * t;
                float dot = 0;
                for (int j = 0; j <= i; j++) {
                    dot += p[row + j] * d[row + j];
                }
                for (int j = 0; j <= i; j++) {
                    d[row + j] = p[row + j] * (d[row + j] - dot) * scale;
                }
                for (int j = i + 1; j < t; j++) {
                    d[row + j] = 0;
                }
            }
        }
    }

    /** Layer norm of each row (no epsilon, as libnd4j's standardize): keeps x-hat and 1/sigma for the backward pass. */
    private void layerNorm(float[] x, float[] gain, float[] bias, float[] xhat, float[] rstd, float[] out, int n) {
        int c = channels;
        for (int r = 0; r < n; r++) {
            int o = r * c;
            float mean = 0;
            for (int j = 0; j < c; j++) {
                mean += x[o + j];
            }
            mean /= c;
            float var = 0;
            for (int j = 0; j < c; j++) {
                float v = x[o + j] - mean;
                var += v * v;
            }
            var /= c;
            float inv = var > 0 ? (float) (1 / Math.sqrt(var)) : 0;
            rstd[r] = inv;
            for (int j = 0; j < c; j++) {
                float h = (x[o + j] - mean) * inv;
                xhat[o + j] = h;
                out[o + j] = h * gain[j] + bias[j];
            }
        }
    }

    /**
     * A layer norm's backward pass: its output gradient {@code dy} read from a product, its input
     * gradient added into {@code b.dx}, its gain's and bias's gradients written.
     */
    private void normBackward(Buffers b, INDArray dy, int layer, String gain, String bias, float[] xhat, float[] rstd,
            Map<String, INDArray> gradients) {
        read(dy, b.rowsByChannels);
        float[] dGain = new float[channels];
        float[] dBias = new float[channels];
        layerNormBackward(b.rowsByChannels, rowMajor(param(layer, gain)), xhat, rstd, b.dx, dGain, dBias, b.rows);
        put(gradients, layer, gain, dGain);
        put(gradients, layer, bias, dBias);
    }

    /** Adds the norm's input gradient into dx and its gain and bias gradients into dGain, dBias. */
    private void layerNormBackward(float[] dy, float[] gain, float[] xhat, float[] rstd, float[] dx, float[] dGain,
            float[] dBias, int n) {
        int c = channels;
        for (int r = 0; r < n; r++) {
            int o = r * c;
            float mean1 = 0;
            float mean2 = 0;
            for (int j = 0; j < c; j++) {
                float g = dy[o + j];
                float h = xhat[o + j];
                dGain[j] += g * h;
                dBias[j] += g;
                float dh = g * gain[j];
                mean1 += dh;
                mean2 += dh * h;
            }
            mean1 /= c;
            mean2 /= c;
            float inv = rstd[r];
            for (int j = 0; j < c; j++) {
                dx[o + j] += inv * (dy[o + j] * gain[j] - mean1 - xhat[o + j] * mean2);
            }
        }
    }

    /** x += product + bias (the residual sum), through {@code scratch}. */
    private void addInto(float[] x, INDArray product, float[] bias, float[] scratch) {
        read(product, scratch);
        int c = bias.length;
        for (int i = 0; i < x.length; i++) {
            x[i] += scratch[i] + bias[i % c];
        }
    }

    /** The final norm's output with a column of ones: [N, C + 1], so the bias is one more row of weights. */
    private void writeHeadInput(Buffers b) {
        float[] h = b.headInputFloats;
        for (int r = 0; r < b.rows; r++) {
            System.arraycopy(b.rowsByChannels, r * channels, h, r * (channels + 1), channels);
            h[r * (channels + 1) + channels] = 1;
        }
        write(h, b.headInput);
    }

    private void refreshHeadWeights() {
        headWeights.get(NDArrayIndex.interval(0, channels), NDArrayIndex.all()).assign(param(output, "W"));
        headWeights.getRow(channels).assign(param(output, "b").reshape(vocab));
    }

    /** log softmax(logits row r)[t], from the logits: for a probability too small for a float. */
    private double logSoftmax(INDArray logits, int r, int t) {
        FloatBuffer l = logits.data().asNioFloat();
        int o = r * vocab;
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < vocab; j++) {
            max = Math.max(max, l.get(o + j));
        }
        double sum = 0;
        for (int j = 0; j < vocab; j++) {
            sum += Math.exp(l.get(o + j) - max);
        }
        return l.get(o + t) - max - Math.log(sum);
    }

    private static float[] columnSums(float[] x, int n, int c) {
        float[] sum = new float[c];
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < c; j++) {
                sum[j] += x[r * c + j];
            }
        }
        return sum;
    }

    /** A block weight's gradient, {@code input^T outputGradient}, written into the network's gradient. */
    private void weightGradient(Buffers b, int li, String name, INDArray input, INDArray outputGradient,
            Map<String, INDArray> gradients) {
        // Column-major: libnd4j's A^T B into a row-major array costs twice the time (measured: 310
        // against 151 ms for the 8k output layer's, 31 against 20 ms for a block's [256, 1024]).
        INDArray product = b.weightGradients.computeIfAbsent(name,
                k -> Nd4j.create(DataType.FLOAT, param(li, name).shape(), 'f'));
        matmul(input, true, outputGradient, false, product, 0);
        gradients.get(key(li, name)).assign(product);
    }

    /** Writes a gradient given row-major into its array (a view of the network's flat gradient). */
    private static void put(Map<String, INDArray> gradients, int layer, String name, float[] values) {
        new Strided(gradients.get(key(layer, name))).setRowMajor(values);
    }

    private INDArray param(int layer, String name) {
        return net.getLayer(layer).getParam(name);
    }

    private static String key(int layer, String name) {
        return layer + "_" + name;
    }

    /**
     * {@code out[i] = a[i]^T b[i]} for every (sequence, head): libnd4j's batched product with a
     * transposed first operand is 1.3-1.6x slower than the same products one slice at a time
     * (12.3 against 7.6 ms for dV of one layer at batch 8, context 256, 4 heads).
     */
    private static void transposedProducts(INDArray[] a, INDArray[] b, INDArray[] out) {
        for (int i = 0; i < out.length; i++) {
            matmul(a[i], true, b[i], false, out[i], 0);
        }
    }

    /** The [T, X] matrix of every (sequence, head) of a [B, H, T, X] array, as views. */
    private static INDArray[] slices(INDArray x) {
        INDArray flat = x.reshape(x.size(0) * x.size(1), x.size(2), x.size(3));
        INDArray[] slices = new INDArray[(int) flat.size(0)];
        for (int i = 0; i < slices.length; i++) {
            slices[i] = flat.get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.all());
        }
        return slices;
    }

    private static void matmul(INDArray a, boolean transposeA, INDArray b, boolean transposeB, INDArray out, double beta) {
        Nd4j.exec(new Mmul(a, b, out, 1.0, beta,
                MMulTranspose.builder().transposeA(transposeA).transposeB(transposeB).build()));
    }

    /** A parameter's values, row-major, on the Java heap (no native array per step). */
    private static float[] rowMajor(INDArray a) {
        return new Strided(a).rowMajor();
    }

    private static void read(INDArray from, float[] to) {
        from.data().asNioFloat().get(0, to, 0, to.length);
    }

    private static void write(float[] from, INDArray to) {
        to.data().asNioFloat().put(0, from, 0, from.length);
    }

    /** A 2-D float array in any ordering (a view of the network's flat vectors), read and written through its strides. */
    private static final class Strided {
        private final FloatBuffer data;
        private final long offset;
        private final int rows;
        private final int columns;
        private final long rowStride;
        private final long columnStride;

        Strided(INDArray a) {
            if (a.rank() != 2 || a.dataType() != DataType.FLOAT) {
                throw new IllegalArgumentException("expected a 2-D float array, got " + a.shapeInfoToString());
            }
            data = a.data().asNioFloat();
            offset = a.offset();
            rows = (int) a.size(0);
            columns = (int) a.size(1);
            rowStride = a.stride(0);
            columnStride = a.stride(1);
        }

        float get(int row, int column) {
            return data.get((int) (offset + row * rowStride + column * columnStride));
        }

        float[] rowMajor() {
            float[] values = new float[rows * columns];
            for (int r = 0, i = 0; r < rows; r++) {
                for (int c = 0; c < columns; c++, i++) {
                    values[i] = get(r, c);
                }
            }
            return values;
        }

        void setRowMajor(float[] values) {
            for (int r = 0, i = 0; r < rows; r++) {
                for (int c = 0; c < columns; c++, i++) {
                    data.put((int) (offset + r * rowStride + c * columnStride), values[i]);
                }
            }
        }
    }

    /** The arrays for {@code batch} sequences; those of another size are freed at once (native memory). */
    private Buffers buffersFor(int batch) {
        if (buffers == null || buffers.batch != batch) {
            if (buffers != null) {
                buffers.close();
            }
            buffers = new Buffers(batch);
            allocations++;
        }
        return buffers;
    }

    /** How many times the step's arrays were allocated: once, until the minibatch size changes. */
    public int bufferAllocations() {
        return allocations;
    }

    /** Native bytes of the arrays of the current minibatch shape (0 before the first step). */
    public long bufferBytes() {
        return buffers == null ? 0 : buffers.arrays().mapToLong(a -> a.length() * 4L).sum();
    }

    /** One block's activations kept for its backward pass. */
    private final class Layer {
        final float[] xhat1;
        final float[] rstd1;
        final float[] xhat2;
        final float[] rstd2;
        final float[] p;
        final float[] u;
        final float[] sig;
        final INDArray a1;
        final INDArray q;
        final INDArray k;
        final INDArray v;
        final INDArray pArray;
        final INDArray merged;
        final INDArray a2;
        final INDArray gelu;
        final INDArray[] pSlices;
        final INDArray[] qSlices;

        Layer(int batch, int rows) {
            xhat1 = new float[rows * channels];
            rstd1 = new float[rows];
            xhat2 = new float[rows * channels];
            rstd2 = new float[rows];
            p = new float[batch * heads * context * context];
            u = new float[rows * hidden];
            sig = new float[rows * hidden];
            a1 = Nd4j.create(DataType.FLOAT, rows, channels);
            q = Nd4j.create(DataType.FLOAT, batch, heads, context, headSize);
            k = Nd4j.create(DataType.FLOAT, batch, heads, context, headSize);
            v = Nd4j.create(DataType.FLOAT, batch, heads, context, headSize);
            pArray = Nd4j.create(DataType.FLOAT, batch, heads, context, context);
            merged = Nd4j.create(DataType.FLOAT, rows, channels);
            a2 = Nd4j.create(DataType.FLOAT, rows, channels);
            gelu = Nd4j.create(DataType.FLOAT, rows, hidden);
            pSlices = slices(pArray);
            qSlices = slices(q);
        }
    }

    /** Every array of a step of {@code batch} sequences, allocated once. */
    private final class Buffers {
        final int batch;
        final int rows;
        final Layer[] layer = new Layer[layers];
        final float[] x;
        final float[] dx;
        final float[] rowsByChannels;
        final float[] rowsByHidden;
        final float[] headsFloats;
        final float[] scoresFloats;
        final float[] xhatF;
        final float[] rstdF;
        // Heap arrays of a vocabulary's or the output layer's size: 2-8 MB each, which G1
        // allocates as humongous objects, each a trigger for a collection when made per step.
        final float[] tokenGradient;
        final float[] positionGradient;
        final float[] headInputFloats;
        final INDArray rc;
        final INDArray rc2;
        final INDArray rh;
        final INDArray scores;
        final INDArray headsOut;
        final INDArray dq;
        final INDArray dk;
        final INDArray dv;
        final INDArray headInput;
        final INDArray logits;
        final INDArray probabilities;
        final INDArray headGradient;
        final Map<String, INDArray> weightGradients = new HashMap<>();
        final INDArray[] headsOutSlices;
        final INDArray[] scoresSlices;
        final INDArray[] dvSlices;
        final INDArray[] dkSlices;

        Buffers(int batch) {
            this.batch = batch;
            this.rows = batch * context;
            for (int l = 0; l < layers; l++) {
                layer[l] = new Layer(batch, rows);
            }
            x = new float[rows * channels];
            dx = new float[rows * channels];
            rowsByChannels = new float[rows * channels];
            rowsByHidden = new float[rows * hidden];
            headsFloats = new float[rows * channels];
            scoresFloats = new float[batch * heads * context * context];
            xhatF = new float[rows * channels];
            rstdF = new float[rows];
            tokenGradient = new float[vocab * channels];
            positionGradient = new float[context * channels];
            headInputFloats = new float[rows * (channels + 1)];
            rc = Nd4j.create(DataType.FLOAT, rows, channels);
            rc2 = Nd4j.create(DataType.FLOAT, rows, channels);
            rh = Nd4j.create(DataType.FLOAT, rows, hidden);
            scores = Nd4j.create(DataType.FLOAT, batch, heads, context, context);
            headsOut = Nd4j.create(DataType.FLOAT, batch, heads, context, headSize);
            dq = Nd4j.create(DataType.FLOAT, batch, heads, context, headSize);
            dk = Nd4j.create(DataType.FLOAT, batch, heads, context, headSize);
            dv = Nd4j.create(DataType.FLOAT, batch, heads, context, headSize);
            headInput = Nd4j.create(DataType.FLOAT, rows, channels + 1);
            logits = Nd4j.create(DataType.FLOAT, rows, vocab);
            probabilities = Nd4j.create(DataType.FLOAT, rows, vocab);
            headGradient = Nd4j.create(DataType.FLOAT, new long[] {channels + 1, vocab}, 'f');   // see weightGradient
            headsOutSlices = slices(headsOut);
            scoresSlices = slices(scores);
            dvSlices = slices(dv);
            dkSlices = slices(dk);
        }

        Stream<INDArray> arrays() {
            Stream<INDArray> own = Stream.concat(
                    Stream.of(rc, rc2, rh, scores, headsOut, dq, dk, dv, headInput, logits, probabilities,
                            headGradient), weightGradients.values().stream());
            return Stream.concat(own, Arrays.stream(layer)
                    .flatMap(l -> Stream.of(l.a1, l.q, l.k, l.v, l.pArray, l.merged, l.a2, l.gelu)));
        }

        void close() {
            arrays().forEach(INDArray::close);
        }
    }
}
