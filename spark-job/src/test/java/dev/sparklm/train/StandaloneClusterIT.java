package dev.sparklm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparklm.io.HadoopFiles;
import dev.sparklm.shards.ShardManifest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Both jobs as a cluster user runs them: the application jars submitted with {@code bin/preprocess}
 * and {@code bin/train} (spark-submit) to a standalone cluster of separate JVM processes (a
 * master, two workers, their executors), reading and writing a real HDFS by hdfs:// URIs; then
 * the faults: an executor SIGKILLed during training, the driver SIGKILLed and resumed, the
 * preprocessing job SIGKILLed while writing over a previous output. Runs after {@code package}
 * ({@code mvn verify}); logs of every process are kept in {@code target/standalone-it/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterIT {
    static final Path DIR = Path.of("target", "standalone-it").toAbsolutePath();
    static final Pattern STEPS = Pattern.compile("train: (\\d+) steps");
    static final Pattern VALIDATION = Pattern.compile("validation loss (\\d+\\.\\d+) nats/token");
    static final int STEPS_IN_ALL = 60;

    static MiniDFSCluster hdfs;
    static String hdfsUri;
    static StandaloneCluster cluster;
    static Configuration conf;
    static String manifestBefore;

    @BeforeAll
    static void start() throws IOException {
        EndToEndTest.deleteRecursively(DIR);
        Files.createDirectories(DIR);
        conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, DIR.resolve("hdfs").toString());
        hdfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        hdfs.waitActive();
        hdfsUri = "hdfs://127.0.0.1:" + hdfs.getNameNodePort();
        conf = hdfs.getConfiguration(0);
        String all = Files.readString(EndToEndTest.CORPUS, StandardCharsets.UTF_8);
        try (var out = hdfs.getFileSystem().create(new org.apache.hadoop.fs.Path("/corpus/shakespeare.txt"))) {
            out.write(all.substring(0, all.lastIndexOf("\n\n", 200_000)).getBytes(StandardCharsets.UTF_8));
        }
        cluster = new StandaloneCluster(DIR.resolve("cluster"), 2, 1, "2g");
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (hdfs != null) {
            hdfs.shutdown();
        }
    }

    @Test
    @Order(1)
    void preprocessingRunsOnTheClustersExecutorsAndWritesItsShardsToHdfs() throws Exception {
        Job job = Job.start("preprocess", preprocess());
        job.awaitSuccess(Duration.ofMinutes(5));
        ShardManifest manifest = manifest();
        assertTrue(manifest.split(ShardManifest.TRAIN).sequences() > 1000, job.tail());
        manifestBefore = HadoopFiles.readString(new org.apache.hadoop.fs.Path(hdfsUri + "/lm/data/manifest.json"), conf);

        // Executors of their own: two processes, neither the test's nor the driver's, that ran tasks.
        Set<Long> executors = cluster.executorPids();
        assertTrue(executors.size() >= 2, "executor processes: " + executors);
        assertFalse(executors.contains(ProcessHandle.current().pid()));
        assertFalse(executors.contains(job.pid()));
        assertTrue(cluster.executorLogs().stream().anyMatch(l -> StandaloneCluster.read(l).contains("Running task")),
                "tasks ran in the executors");
    }

    @Test
    @Order(2)
    void anExecutorKilledDuringTrainingCostsATaskRetryNotTheRun() throws Exception {
        Job undisturbed = Job.start("train-undisturbed", train("run-a"));
        String log = undisturbed.awaitSuccess(Duration.ofMinutes(8));
        assertEquals(STEPS_IN_ALL, steps(log), undisturbed.tail());
        double expected = validationLoss(log);
        assertTrue(expected < 3.5, "trained: " + expected);

        Set<Long> before = cluster.executorPids();
        Job disturbed = Job.start("train-executor-killed", train("run-b"));
        disturbed.awaitLog("step 20/" + STEPS_IN_ALL + " |", Duration.ofMinutes(5));   // a third of the way
        Set<Long> running = new HashSet<>(cluster.executorPids());
        running.removeAll(before);
        assertEquals(2, running.size(), "this application's executors: " + running);
        long victim = running.iterator().next();
        assertTrue(ProcessHandle.of(victim).map(ProcessHandle::destroyForcibly).orElse(false), "SIGKILL executor " + victim);
        String after = disturbed.awaitSuccess(Duration.ofMinutes(8));
        assertTrue(after.contains("Lost executor"), "the driver saw the executor die:\n" + disturbed.tail());
        assertEquals(STEPS_IN_ALL, steps(after));
        double loss = validationLoss(after);
        assertTrue(Math.abs(loss - expected) <= 0.05 * expected, "validation loss " + loss + " vs undisturbed " + expected);
        assertEquals(STEPS_IN_ALL, CheckpointStore.load(hdfsUri + "/lm/run-b", conf).state().step());
    }

    @Test
    @Order(3)
    void aKilledDriverResumesFromItsLastCheckpointToTheUndisturbedRunsEnd() throws Exception {
        Job driver = Job.start("train-driver-killed", train("run-c"));
        driver.awaitLog("checkpoint " + hdfsUri + "/lm/run-c/checkpoints/" + CheckpointStore.name(40), Duration.ofMinutes(6));
        driver.kill();
        assertTrue(steps(driver.log()) < 0, "killed before the end");

        List<String> resume = new ArrayList<>(train("run-c"));
        resume.add("--resume");
        String log = Job.start("train-resumed", resume).awaitSuccess(Duration.ofMinutes(6));
        assertTrue(log.contains("resuming at step 40"), log);
        assertEquals(STEPS_IN_ALL, steps(log));

        // With the same seed the resumed run ends where the undisturbed one (test 2) ended.
        CheckpointStore.Checkpoint undisturbed = CheckpointStore.load(hdfsUri + "/lm/run-a", conf);
        CheckpointStore.Checkpoint resumed = CheckpointStore.load(hdfsUri + "/lm/run-c", conf);
        assertEquals(STEPS_IN_ALL, resumed.state().step());
        float max = ResumeAndEarlyStoppingTest.maxDifference(undisturbed.network().params().toFloatVector(),
                resumed.network().params().toFloatVector());
        assertTrue(max <= 1e-5f, "parameters differ from the undisturbed run's by " + max);
        assertEquals(undisturbed.state().validationLoss(), resumed.state().validationLoss(), 1e-5);
    }

    @Test
    @Order(4)
    void generateAndEvaluateReadTheCheckpointFromHdfs() throws Exception {
        String generated = Job.start("generate", List.of("../bin/generate", "--checkpoint", hdfsUri + "/lm/run-a",
                "--prompt", "ROMEO:", "--max-tokens", "40", "--seed", "3")).awaitSuccess(Duration.ofMinutes(3));
        assertTrue(generated.contains("ROMEO:") && generated.contains("step " + STEPS_IN_ALL), generated);

        // Evaluate on the cluster's executors, spark-submit options before "--" as for the jobs.
        List<String> evaluate = submit("../bin/evaluate");
        evaluate.addAll(List.of("--checkpoint", hdfsUri + "/lm/run-a", "--data", hdfsUri + "/lm/data", "--batch", "8"));
        String evaluated = Job.start("evaluate", evaluate).awaitSuccess(Duration.ofMinutes(3));
        Matcher m = Pattern.compile("loss (\\d+\\.\\d+) nats/token").matcher(evaluated);
        assertTrue(m.find(), evaluated);
        double stored = CheckpointStore.load(hdfsUri + "/lm/run-a", conf).state().validationLoss();
        assertEquals(stored, Double.parseDouble(m.group(1)), 1e-4, "evaluate scores the validation split as training did");
    }

    @Test
    @Order(5)
    void aPreprocessingRunKilledWhileWritingLeavesThePreviousOutputWholeAndARerunReplacesIt() throws Exception {
        FileSystem fs = hdfs.getFileSystem();
        List<String> command = new ArrayList<>(preprocess());
        command.addAll(List.of("--set", "context=24"));   // a different output, so a mix would show
        Job killed = Job.start("preprocess-killed", command);
        killed.awaitLog("PreprocessJob: tokenizer: ", Duration.ofMinutes(3));   // next: tokenizing and writing the shards
        killed.kill();
        assertFalse(killed.log().contains("published"), "killed before publishing:\n" + killed.tail());
        assertEquals(manifestBefore, HadoopFiles.readString(new org.apache.hadoop.fs.Path(hdfsUri + "/lm/data/manifest.json"), conf));
        ShardManifest old = manifest();
        for (String split : List.of(ShardManifest.TRAIN, ShardManifest.VALIDATION)) {
            for (String file : old.split(split).files()) {
                assertTrue(fs.exists(new org.apache.hadoop.fs.Path("/lm/data/" + old.split(split).path() + "/" + file)), file);
            }
        }

        Job.start("preprocess-rerun", command).awaitSuccess(Duration.ofMinutes(5));
        ShardManifest fresh = manifest();
        assertEquals(24, fresh.context());
        for (var status : fs.listStatus(new org.apache.hadoop.fs.Path("/lm"))) {
            assertFalse(status.getPath().getName().startsWith(".data."), "left behind: " + status.getPath());
        }
        // Training reads the new output whole: every shard the manifest lists, and only those.
        ShardedCorpus corpus = ShardedCorpus.open(hdfsUri + "/lm/data", conf);
        assertEquals(24, corpus.context());
        for (String file : fresh.split(ShardManifest.TRAIN).files()) {
            assertTrue(fs.exists(new org.apache.hadoop.fs.Path("/lm/data/" + fresh.split(ShardManifest.TRAIN).path() + "/" + file)));
        }
    }

    static ShardManifest manifest() {
        String path = hdfsUri + "/lm/data/manifest.json";
        return ShardManifest.fromJson(HadoopFiles.readString(new org.apache.hadoop.fs.Path(path), conf), path);
    }

    static List<String> submit(String script) {
        return new ArrayList<>(List.of(script, "--master", cluster.masterUrl(), "--conf", "spark.driver.host=127.0.0.1",
                "--executor-memory", "1200m", "--driver-memory", "1g", "--"));
    }

    static List<String> preprocess() {
        List<String> c = submit("../bin/preprocess");
        c.addAll(List.of("--config", "../conf/tinyshakespeare.conf", "--input", hdfsUri + "/corpus/*.txt",
                "--output", hdfsUri + "/lm/data", "--set", "context=32"));
        return c;
    }

    static List<String> train(String run) {
        List<String> c = submit("../bin/train");
        c.addAll(List.of("--data", hdfsUri + "/lm/data", "--output", hdfsUri + "/lm/" + run,
                "--set", "max-steps=" + STEPS_IN_ALL, "--set", "spark.workers=2", "--set", "spark.batch-size-per-worker=8",
                "--set", "model.embedding=32", "--set", "model.hidden=64", "--set", "model.dropout=0.1",
                "--set", "spark.averaging-frequency=5", "--set", "evaluation.every-rounds=4", "--set", "checkpoint.keep-last=5",
                "--set", "log-every-rounds=1"));
        return c;
    }

    static int steps(String log) {
        Matcher m = STEPS.matcher(log);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    static double validationLoss(String log) {
        Matcher m = VALIDATION.matcher(log);
        assertTrue(m.find(), log);
        return Double.parseDouble(m.group(1));
    }

    /** A job launched by its bin/ script, as a user does; its output (stdout and stderr) in one log. */
    record Job(String name, Process process, Path logFile) {
        static Job start(String name, List<String> command) throws IOException {
            Path log = DIR.resolve(name + ".log");
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().remove("SPARK_HOME");   // bin/spark-submit runs Spark from the build
            pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
            pb.environment().put("SPARKLM_JAVA_OPTS", "-Dspark.ui.enabled=false");
            return new Job(name, pb.start(), log);
        }

        long pid() {
            return process.pid();
        }

        String log() {
            return StandaloneCluster.read(logFile);
        }

        String tail() {
            return StandaloneCluster.tail(logFile);
        }

        void awaitLog(String text, Duration timeout) {
            StandaloneCluster.awaitLog(logFile, text, timeout, process);
        }

        /** SIGKILL: bin/ scripts exec the JVM, so this is the driver itself. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor();
        }

        String awaitSuccess(Duration timeout) throws InterruptedException {
            if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(name + " did not finish in " + timeout + ":\n" + tail());
            }
            assertEquals(0, process.exitValue(), name + " failed:\n" + tail());
            return log();
        }
    }
}
