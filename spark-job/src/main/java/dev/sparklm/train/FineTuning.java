package dev.sparklm.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.sparklm.io.JobConfigException;
import dev.sparklm.model.SequenceLayer;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.transferlearning.FineTuneConfiguration;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --init-from}: a new run that starts from a checkpoint's weights, with a fresh optimizer
 * (Adam, this run's learning-rate schedule and weight decay) and, optionally, a frozen prefix of
 * the network: the embeddings, then the bottom N blocks (DL4J's TransferLearning wraps them in
 * FrozenLayer, so their parameters never change and no gradient is computed below them).
 */
final class FineTuning {
    private static final Logger LOG = LoggerFactory.getLogger(FineTuning.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private FineTuning() {}

    static CheckpointStore.Checkpoint source(String path, Configuration conf) {
        CheckpointStore.Checkpoint c = CheckpointStore.load(path, conf);
        LOG.info("--init-from {}: step {}, validation loss {}", c.path(), c.state().step(), c.state().validationLoss());
        return c;
    }

    /**
     * The shards must speak the checkpoint's vocabulary, in windows its positions cover. The
     * checkpoint's network is used as it is: for "--resume", which continues that run, a
     * train.model that now says otherwise is refused rather than ignored; "--init-from" takes the
     * checkpoint's architecture by design and logs the differences.
     *
     * @param option what brought the checkpoint in: "--init-from" or "--resume"
     */
    static void checkCompatible(CheckpointStore.Checkpoint c, ShardedCorpus corpus, String option, TrainConfig cfg) {
        List<String> differences = modelDifferences(c, cfg);
        if (!differences.isEmpty() && option.equals("--resume")) {
            throw new JobConfigException("--resume " + c.path() + " continues the checkpoint's model, but train.model "
                    + "differs: " + String.join("; ", differences) + ". Resume with the checkpoint's settings, or start "
                    + "a new run (another train.output, or --overwrite; --init-from to start from its weights)");
        }
        if (!differences.isEmpty()) {
            LOG.warn("{} {}: the checkpoint's architecture is used; train.model differs and is ignored: {}", option,
                    c.path(), String.join("; ", differences));
        }
        if (!c.tokenizer().fingerprint().equals(corpus.tokenizer().fingerprint())) {
            throw new JobConfigException(option + " " + c.path() + " was trained with tokenizer "
                    + c.tokenizer().fingerprint() + " (" + c.tokenizer().vocabSize() + " ids), but the shards use "
                    + corpus.tokenizer().fingerprint() + " (" + corpus.tokenizer().vocabSize() + " ids)"
                    + ": preprocess the corpus with the checkpoint's tokenizer (preprocess.tokenizer.file)");
        }
        for (var conf : c.network().getLayerWiseConfigurations().getConfs()) {
            if (conf.getLayer() instanceof SequenceLayer s && s.getContext() != corpus.context()) {
                throw new JobConfigException(option + " " + c.path() + " has context " + s.getContext()
                        + ", the shards have " + corpus.context() + ": preprocess with preprocess.context = " + s.getContext());
            }
        }
    }

    /**
     * What an --init-from run records in its checkpoints and reports: {@code cfg} with the
     * checkpoint's train.model, whose network it continues ({@link #checkCompatible} warned about
     * any difference). Recording the ignored settings instead made the new checkpoints describe a
     * model they do not hold, and a --resume with those settings pass the check meant to stop it.
     * A checkpoint that recorded no configuration leaves {@code cfg} as it is.
     */
    static TrainConfig withCheckpointModel(CheckpointStore.Checkpoint c, TrainConfig cfg) {
        String stored = c.state().config();
        if (stored == null || stored.isBlank()) {
            return cfg;
        }
        Config then = ConfigFactory.parseString(stored);
        if (!then.hasPath("model")) {
            return cfg;
        }
        // Settings an older checkpoint did not record keep this run's values.
        return TrainConfig.from(then.getConfig("model").atKey("model").withFallback(ConfigFactory.parseString(cfg.rendered())));
    }

    /**
     * The train.model settings that differ between the configuration a checkpoint was trained
     * with and {@code cfg} ("model.hidden: 32 in the checkpoint, 64 now"); settings an older
     * checkpoint did not record are not compared. The checkpoint's network is used as it is, so
     * a difference would be silently ignored.
     */
    static List<String> modelDifferences(CheckpointStore.Checkpoint c, TrainConfig cfg) {
        List<String> out = new ArrayList<>();
        String stored = c.state().config();
        if (stored == null || stored.isBlank()) {
            return out;
        }
        try {
            JsonNode then = JSON.readTree(stored).path("model");
            JsonNode now = JSON.readTree(cfg.rendered()).path("model");
            then.fieldNames().forEachRemaining(key -> {
                if (now.has(key) && !then.get(key).equals(now.get(key))) {
                    out.add("model." + key + ": " + then.get(key) + " in the checkpoint, " + now.get(key) + " now");
                }
            });
        } catch (java.io.IOException e) {
            LOG.warn("{}: cannot read the configuration it was trained with ({}); its model settings are not compared",
                    c.path(), e.getMessage());
        }
        return out;
    }

    static MultiLayerNetwork network(CheckpointStore.Checkpoint c, TrainConfig cfg, long totalSteps) {
        MultiLayerNetwork pretrained = c.network();
        NeuralNetConfiguration.Builder optimizer = OptimizerRecipe.builder(cfg.optimizer(), cfg.seed(), totalSteps);
        FineTuneConfiguration.Builder ft = new FineTuneConfiguration.Builder()
                .seed(cfg.seed())
                .updater(optimizer.getIUpdater());
        if (cfg.optimizer().weightDecay() > 0) {
            ft.weightDecay(cfg.optimizer().weightDecay(), true).weightDecayBias(0, true);
        }
        TransferLearning.Builder b = new TransferLearning.Builder(pretrained).fineTuneConfiguration(ft.build());
        int frozen = frozenPrefix(pretrained, cfg);
        if (frozen >= 0) {
            b.setFeatureExtractor(frozen);
        }
        MultiLayerNetwork net = b.build();
        LOG.info("fine-tuning from {}: {} of {} layers frozen ({} of {} parameters trainable)", c.path(), frozen + 1,
                net.getnLayers(), trainable(net), net.numParams());
        return net;
    }

    /**
     * The index of the last frozen layer, or -1: the embedding layers, then {@code freeze-blocks}
     * transformer blocks (or LSTM layers), each with the dropout layer that follows it.
     */
    static int frozenPrefix(MultiLayerNetwork net, TrainConfig cfg) {
        if (!cfg.fineTune().freezeEmbeddings()) {
            return -1;
        }
        var confs = net.getLayerWiseConfigurations().getConfs();
        int i = 0;
        while (i < confs.size() && (isEmbedding(confs.get(i).getLayer()) || confs.get(i).getLayer() instanceof DropoutLayer)) {
            i++;
        }
        int last = i - 1;
        for (int block = 0; block < cfg.fineTune().freezeBlocks(); block++) {
            if (i >= confs.size() || !isBlock(confs.get(i).getLayer())) {
                throw new JobConfigException("train.fine-tune.freeze-blocks = " + cfg.fineTune().freezeBlocks() + ", but the "
                        + "checkpoint's model has " + block + " block(s)");
            }
            last = i++;
            while (i < confs.size() && confs.get(i).getLayer() instanceof DropoutLayer) {
                last = i++;
            }
        }
        return last;
    }

    private static boolean isEmbedding(Layer layer) {
        return layer instanceof EmbeddingSequenceLayer || layer instanceof dev.sparklm.model.PositionEmbedding;
    }

    private static boolean isBlock(Layer layer) {
        return layer instanceof dev.sparklm.model.TransformerBlock || layer instanceof org.deeplearning4j.nn.conf.layers.LSTM;
    }

    static long trainable(MultiLayerNetwork net) {
        long n = 0;
        for (org.deeplearning4j.nn.api.Layer l : net.getLayers()) {
            if (!(l instanceof org.deeplearning4j.nn.layers.FrozenLayer)) {
                n += l.numParams();
            }
        }
        return n;
    }
}
