package dev.sparklm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparklm.io.CommandLineJobs;
import dev.sparklm.tokenizer.CharTokenizer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.PrintStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Generate, evaluate, --init-from and --resume all load through CheckpointStore.load: what it trusts. */
class CheckpointLoadingTest {
    @TempDir
    Path tmp;
    final Configuration conf = new Configuration();
    CharTokenizer tokenizer;
    CheckpointStore store;

    @BeforeEach
    void store() {
        tokenizer = CharTokenizer.train("abcdefgh ");
        store = new CheckpointStore(tmp.resolve("run").toString(), conf);
    }

    MultiLayerNetwork network(long seed) {
        TrainConfig cfg = TrainConfig.load(Optional.empty(), Map.of("model.hidden", "8", "model.embedding", "4",
                "seed", Long.toString(seed)));
        MultiLayerNetwork net = new MultiLayerNetwork(TrainJob.modelConfiguration(cfg, tokenizer.vocabSize(), 1, 100));
        net.init();
        return net;
    }

    Path save(MultiLayerNetwork net, long step) {
        TrainingState state = new TrainingState(step, 1, 40, 100, 2.0, 2.1, 2.1, 0, null, "lstm", 8, tokenizer.vocabSize(),
                tokenizer.fingerprint(), "d", "now", null, "{}");
        return Path.of(store.save(net, state, tokenizer).toUri());
    }

    /** Deserializing it is what a gadget chain needs: here it only leaves a trace. */
    static final class Payload implements Serializable {
        static volatile boolean deserialized;

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            deserialized = true;
        }
    }

    @Test
    void aModelZipCarryingASerializedObjectIsRefusedWithoutDeserializingIt() throws IOException {
        Path dir = save(network(1), 5);
        Path model = dir.resolve(CheckpointStore.MODEL);
        // The crafted zip: the real entries plus preprocessor.bin, which DL4J reads with
        // ObjectInputStream; state.json's checksum rewritten to match, as whoever crafted it would.
        ByteArrayOutputStream crafted = new ByteArrayOutputStream();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(model));
             ZipOutputStream out = new ZipOutputStream(crafted)) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                out.putNextEntry(new ZipEntry(e.getName()));
                out.write(in.readAllBytes());
            }
            out.putNextEntry(new ZipEntry("preprocessor.bin"));
            ObjectOutputStream objects = new ObjectOutputStream(out);
            objects.writeObject(new Payload());
            objects.flush();
            out.closeEntry();
        }
        Files.write(model, crafted.toByteArray());
        Path statePath = dir.resolve(CheckpointStore.STATE);
        TrainingState state = TrainingState.fromJson(Files.readString(statePath), statePath.toString());
        Files.writeString(statePath, state.withChecksum(CheckpointStore.sha256Hex(crafted.toByteArray())).toJson());
        // Written with plain tools, as a file from elsewhere is: no Hadoop checksum files beside them.
        Files.delete(dir.resolve("." + CheckpointStore.MODEL + ".crc"));
        Files.delete(dir.resolve("." + CheckpointStore.STATE + ".crc"));

        Payload.deserialized = false;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CheckpointStore.load(dir.toString(), conf));
        assertTrue(e.getMessage().contains(model.getFileName().toString()) && e.getMessage().contains(dir.getFileName().toString())
                && e.getMessage().contains("'preprocessor.bin'"), e.getMessage());
        assertFalse(Payload.deserialized, "nothing of the entry was read");

        // The command line: a clear refusal and exit code 2, not a stack trace or a loaded model.
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int code;
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            code = CommandLineJobs.execute(new GenerateCommand(), "--checkpoint", dir.toString(), "--max-tokens", "3");
        } finally {
            System.setErr(err);
        }
        assertEquals(2, code);
        assertTrue(captured.toString(StandardCharsets.UTF_8).contains("preprocessor.bin"), captured.toString(StandardCharsets.UTF_8));
        assertFalse(Payload.deserialized);
    }

    @Test
    void theUntrustedZipCheckRebuildsExactlyTheModelsEntries() throws IOException {
        MultiLayerNetwork net = network(2);
        Path dir = save(net, 3);
        byte[] original = Files.readAllBytes(dir.resolve(CheckpointStore.MODEL));
        byte[] rebuilt = UntrustedModelZip.onlyModelEntries(original, "model.zip");
        MultiLayerNetwork back = org.deeplearning4j.util.ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(rebuilt), true);
        assertArrayEquals(net.params().toFloatVector(), back.params().toFloatVector());
        assertEquals(net.getLayerWiseConfigurations().toJson(), back.getLayerWiseConfigurations().toJson());
        assertThrows(IllegalArgumentException.class, () -> UntrustedModelZip.onlyModelEntries(new byte[] {1, 2, 3}, "x.zip"));
    }

    /** A run directory whose newest checkpoint was cut short: every loader takes the one before it. */
    @Test
    void aRunDirectoryLoadsAsItsNewestValidCheckpoint() throws IOException {
        MultiLayerNetwork older = network(3);
        save(older, 4);
        Path newest = save(network(4), 8);
        Files.write(newest.resolve(CheckpointStore.MODEL), new byte[] {'P', 'K'});   // a model.zip cut short

        String run = tmp.resolve("run").toString();
        CheckpointStore.Checkpoint c = CheckpointStore.load(run, conf);
        assertEquals(4, c.state().step());
        assertArrayEquals(older.params().toFloatVector(), c.network().params().toFloatVector());
        assertEquals(4, FineTuning.source(run, conf).state().step(), "--init-from");

        // Naming the broken checkpoint itself is an error, not a silent fallback.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CheckpointStore.load(newest.toString(), conf));
        assertTrue(e.getMessage().contains("corrupt") && e.getMessage().contains(newest.getFileName().toString()), e.getMessage());

        Files.write(tmp.resolve("run/checkpoints").resolve(CheckpointStore.name(4)).resolve(CheckpointStore.MODEL), new byte[0]);
        e = assertThrows(IllegalArgumentException.class, () -> CheckpointStore.load(run, conf));
        assertTrue(e.getMessage().contains("no valid checkpoint"), e.getMessage());
    }
}
