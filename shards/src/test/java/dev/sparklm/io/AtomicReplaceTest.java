package dev.sparklm.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process killed in the middle of replacing a file or publishing an output: simulated by a
 * local file system that throws (no cleanup runs, as with SIGKILL) when asked to rename onto the
 * target, i.e. after the previous version was moved aside and before the new one is in place.
 */
class AtomicReplaceTest {
    @TempDir
    java.nio.file.Path tmp;

    /** The local file system, except that renaming onto a path named {@link #killAt} kills the process. */
    public static final class KillingFileSystem extends LocalFileSystem {
        static volatile String killAt;

        @Override
        public boolean rename(Path src, Path dst) throws IOException {
            if (dst.getName().equals(killAt)) {
                killAt = null;
                throw new Killed();
            }
            return super.rename(src, dst);
        }
    }

    static final class Killed extends RuntimeException {}

    static Configuration killing() {
        Configuration conf = new Configuration(false);
        conf.set("fs.file.impl", KillingFileSystem.class.getName());
        conf.setBoolean("fs.file.impl.disable.cache", true);
        return conf;
    }

    @AfterEach
    void disarm() {
        KillingFileSystem.killAt = null;
    }

    @Test
    void aWriteKilledBetweenItsRenamesLeavesThePreviousVersionForReadersAndTheNextWrite() throws IOException {
        Configuration conf = killing();
        Path file = new Path(tmp.toUri().toString(), "state.json");
        HadoopFiles.writeStringAtomically(file, "first", conf);

        KillingFileSystem.killAt = "state.json";
        assertThrows(Killed.class, () -> HadoopFiles.writeStringAtomically(file, "second", conf));
        FileSystem fs = HadoopFiles.fs(file, conf);
        assertFalse(fs.exists(file), "killed after moving the previous version aside");
        assertEquals("first", HadoopFiles.readString(file, conf), "the previous version is still complete and readable");

        HadoopFiles.writeStringAtomically(file, "third", conf);
        assertEquals("third", HadoopFiles.readString(file, conf));
        assertFalse(fs.exists(HadoopFiles.asideOf(file)), "the next write removes the aside copy");
        assertEquals("third", Files.readString(tmp.resolve("state.json")));
    }

    @Test
    void aFailedRenameRestoresThePreviousVersion() throws IOException {
        Configuration conf = new Configuration(false);
        Path target = new Path(tmp.toUri().toString(), "metrics.jsonl");
        HadoopFiles.writeStringAtomically(target, "old", conf);
        FileSystem fs = HadoopFiles.fs(target, conf);
        // A fresh version that does not exist: its rename fails (returns false) like a full disk.
        Path missing = new Path(tmp.toUri().toString(), ".metrics.jsonl.tmp-gone");
        assertThrows(IOException.class, () -> HadoopFiles.replace(fs, missing, target));
        assertEquals("old", HadoopFiles.readString(target, conf));
        assertTrue(fs.exists(target));
    }

    @Test
    void aPublishKilledBetweenItsRenamesIsUndoneByTheNextRunNeverMixingTwoOutputs() throws IOException {
        Configuration conf = killing();
        Path target = new Path(tmp.toUri().toString(), "data");
        StagedOutputDirectory first = new StagedOutputDirectory(target, "manifest.json", "output", conf);
        write(first.staging(), "manifest.json", "run 1", conf);
        write(first.staging(), "part-0.parquet", "run 1 shard", conf);
        first.publish();

        StagedOutputDirectory second = new StagedOutputDirectory(target, "manifest.json", "output", conf);
        write(second.staging(), "manifest.json", "run 2", conf);
        KillingFileSystem.killAt = "data";
        assertThrows(Killed.class, second::publish);
        FileSystem fs = HadoopFiles.fs(target, conf);
        assertFalse(fs.exists(target));
        Path readable = HadoopFiles.readable(fs, target);
        assertEquals("run 1", HadoopFiles.readString(new Path(readable, "manifest.json"), conf),
                "readers find the previous output whole");

        // The rerun puts the previous output back before it starts and removes the killed run's staging.
        StagedOutputDirectory third = new StagedOutputDirectory(target, "manifest.json", "output", conf);
        assertEquals("run 1", HadoopFiles.readString(new Path(target, "manifest.json"), conf));
        assertEquals("run 1 shard", HadoopFiles.readString(new Path(target, "part-0.parquet"), conf));
        assertEquals(0, siblings(".data.staging-").length, "the killed run's staging directory is gone");
        write(third.staging(), "manifest.json", "run 3", conf);
        third.publish();
        assertEquals("run 3", HadoopFiles.readString(new Path(target, "manifest.json"), conf));
        assertFalse(fs.exists(new Path(target, "part-0.parquet")), "nothing of run 1 mixed into run 3's output");
        assertEquals(0, siblings(".data.").length, "no aside or staging copies left: " + Arrays.toString(siblings(".data.")));
    }

    @Test
    void aTargetThatIsNotAnEarlierOutputIsRefusedUntouched() throws IOException {
        Configuration conf = new Configuration();
        java.nio.file.Path file = Files.writeString(tmp.resolve("notes.txt"), "keep");
        JobConfigException e = assertThrows(JobConfigException.class, () -> new StagedOutputDirectory(
                new Path(file.toString()), "manifest.json", "job.output", conf));
        assertTrue(e.getMessage().startsWith("job.output file:") && e.getMessage().contains("notes.txt is a file"), e.getMessage());
        java.nio.file.Path dir = Files.createDirectories(tmp.resolve("other"));
        for (String name : new String[] {"a", "b", "c", "d"}) {
            Files.writeString(dir.resolve(name), name);
        }
        e = assertThrows(JobConfigException.class, () -> new StagedOutputDirectory(
                new Path(dir.toString()), "manifest.json", "job.output", conf));
        assertTrue(e.getMessage().contains("is a directory that is not an output of this job (no manifest.json; it holds 4 entries: "),
                e.getMessage());
        assertEquals("keep", Files.readString(file));
        assertEquals(4, dir.toFile().list().length);
        assertEquals(0, siblings(".other.").length + siblings(".notes.txt.").length, "no staging made");

        Files.writeString(dir.resolve("manifest.json"), "{}");   // an earlier output: replaced
        StagedOutputDirectory out = new StagedOutputDirectory(new Path(dir.toString()), "manifest.json", "job.output", conf);
        write(out.staging(), "manifest.json", "new", conf);
        out.publish();
        assertEquals(List.of("manifest.json"), Arrays.stream(dir.toFile().list()).filter(n -> !n.startsWith(".")).toList());
    }

    private String[] siblings(String prefix) {
        return Arrays.stream(tmp.toFile().list()).filter(n -> n.startsWith(prefix)).toArray(String[]::new);
    }

    private static void write(Path dir, String name, String content, Configuration conf) throws IOException {
        try (var out = HadoopFiles.fs(dir, conf).create(new Path(dir, name))) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        }
    }
}
