package dev.sparklm.train;

import dev.sparklm.io.HadoopFiles;
import dev.sparklm.io.Hashing;
import dev.sparklm.tokenizer.Tokenizer;
import dev.sparklm.tokenizer.TokenizerJson;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoints under {@code <output>/checkpoints/step-NNNNNNNNN/}: {@code model.zip} (DL4J's
 * format: configuration, parameters and updater state), {@code state.json} (training state and
 * the model's SHA-256) and {@code tokenizer.json}. Each is written in a hidden directory and
 * renamed into place, through the Hadoop FileSystem API, so any URI works and a crash never
 * leaves a checkpoint that looks complete.
 */
public final class CheckpointStore {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
    static final String MODEL = "model.zip";
    static final String STATE = "state.json";
    static final String TOKENIZER = "tokenizer.json";
    private static final String PREFIX = "step-";

    private final Path root;
    private final Configuration conf;
    private final FileSystem fs;

    public CheckpointStore(String output, Configuration conf) {
        this.root = new Path(output, "checkpoints");
        this.conf = conf;
        this.fs = HadoopFiles.fs(root, conf);
    }

    /** A loaded checkpoint. */
    public record Checkpoint(Path path, MultiLayerNetwork network, TrainingState state, Tokenizer tokenizer) {}

    public Path save(MultiLayerNetwork net, TrainingState state, Tokenizer tokenizer) {
        Path dir = new Path(root, name(state.step()));
        Path tmp = new Path(root, "." + dir.getName() + ".tmp-" + System.nanoTime());
        try {
            fs.mkdirs(tmp);
            MessageDigest sha = Hashing.sha256();
            try (OutputStream out = new DigestOutputStream(fs.create(new Path(tmp, MODEL)), sha)) {
                ModelSerializer.writeModel(net, out, true);
            }
            HadoopFiles.writeStringAtomically(new Path(tmp, TOKENIZER), tokenizer.toJson(), conf);
            HadoopFiles.writeStringAtomically(new Path(tmp, STATE),
                    state.withChecksum(HexFormat.of().formatHex(sha.digest())).toJson(), conf);
            HadoopFiles.replace(fs, tmp, dir);   // a resumed run writes a step again
            return fs.makeQualified(dir);
        } catch (IOException e) {
            try {
                fs.delete(tmp, true);
            } catch (IOException ignored) {
                // the failure below is the one to report
            }
            throw new UncheckedIOException("cannot write checkpoint " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Loads a checkpoint directory, or the newest valid one if {@code path} is a run's output
     * directory (a newer checkpoint that is corrupt or incomplete is reported and skipped, as
     * {@code --resume} does). Every load verifies the model's checksum and refuses a model.zip
     * with entries this project does not write.
     */
    public static Checkpoint load(String path, Configuration conf) {
        Path p = new Path(path);
        FileSystem fs = HadoopFiles.fs(p, conf);
        try {
            if (fs.exists(new Path(p, STATE))) {
                return loadDirectory(fs.makeQualified(p), conf);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p + ": " + e.getMessage(), e);
        }
        CheckpointStore store = new CheckpointStore(path, conf);
        List<Path> all = store.list();
        if (all.isEmpty()) {
            throw new IllegalArgumentException("no checkpoint at " + path + " (expected a checkpoint directory with "
                    + STATE + ", or a run directory with checkpoints/)");
        }
        return store.latestValid(all).orElseThrow(() -> new IllegalArgumentException(
                "no valid checkpoint in " + store.root + ": every one failed to load (see the warnings above)"));
    }

    private static Checkpoint loadDirectory(Path p, Configuration conf) {
        FileSystem fs = HadoopFiles.fs(p, conf);
        try {
            TrainingState state = TrainingState.fromJson(HadoopFiles.readString(new Path(p, STATE), conf), new Path(p, STATE).toString());
            Tokenizer tokenizer = TokenizerJson.read(HadoopFiles.readString(new Path(p, TOKENIZER), conf), new Path(p, TOKENIZER).toString());
            // Verify before parsing: a corrupt zip must be reported as corrupt, not half-loaded.
            Path modelPath = new Path(p, MODEL);
            byte[] model;
            try (InputStream in = fs.open(modelPath)) {
                model = in.readAllBytes();
            }
            String actual = sha256Hex(model);
            if (!actual.equals(state.modelSha256())) {
                throw new IllegalArgumentException(modelPath + " is corrupt: SHA-256 " + actual
                        + ", state.json says " + state.modelSha256());
            }
            MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(
                    new ByteArrayInputStream(UntrustedModelZip.onlyModelEntries(model, modelPath.toString())), true);
            return new Checkpoint(p, net, state, tokenizer);
        } catch (ChecksumException e) {
            throw new IllegalArgumentException("checkpoint " + p + " is corrupt: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load checkpoint " + p + ": " + e.getMessage(), e);
        }
    }

    /** The directory name of the checkpoint taken at {@code step}. */
    static String name(long step) {
        return String.format("%s%09d", PREFIX, step);
    }

    /** Complete checkpoints, oldest first. */
    public List<Path> list() {
        try {
            if (!fs.exists(root)) {
                return List.of();
            }
            List<Path> dirs = new ArrayList<>();
            for (FileStatus s : fs.listStatus(root)) {
                if (s.isDirectory() && s.getPath().getName().startsWith(PREFIX) && fs.exists(new Path(s.getPath(), STATE))) {
                    dirs.add(s.getPath());
                }
            }
            dirs.sort(Comparator.comparing(Path::getName));
            return dirs;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root + ": " + e.getMessage(), e);
        }
    }

    /** The newest checkpoint that loads and passes its checksum; broken ones are reported and skipped. */
    public Optional<Checkpoint> latestValid() {
        return latestValid(list());
    }

    private Optional<Checkpoint> latestValid(List<Path> all) {
        for (int i = all.size() - 1; i >= 0; i--) {
            try {
                return Optional.of(loadDirectory(fs.makeQualified(all.get(i)), conf));
            } catch (RuntimeException e) {
                LOG.warn("skipping checkpoint {}: {}", all.get(i), e.getMessage());
            }
        }
        return Optional.empty();
    }

    /** Deletes all but the newest {@code keepLast} checkpoints and the one named {@code best}. */
    public void prune(int keepLast, Optional<String> best) {
        List<Path> all = list();
        for (int i = 0; i < all.size() - keepLast; i++) {
            Path p = all.get(i);
            if (best.isPresent() && best.get().equals(p.getName())) {
                continue;
            }
            try {
                fs.delete(p, true);
                LOG.info("removed old checkpoint {}", p);
            } catch (IOException e) {
                LOG.warn("cannot remove old checkpoint {}: {}", p, e.getMessage());
            }
        }
    }

    static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(Hashing.sha256().digest(bytes));
    }
}
