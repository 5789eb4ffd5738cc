package dev.sparklm.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Spark standalone cluster on this machine: a master and workers as separate JVM processes
 * (Spark's own {@code deploy.master.Master} and {@code deploy.worker.Worker}), bound to
 * 127.0.0.1, started from the project's build. A worker launches executors from a Spark home,
 * so one is laid out under {@code target/}: {@code jars/} holds Spark and its libraries as a
 * Spark distribution does, and none of the job's (DL4J, ND4J and its native code, the
 * tokenizer): executors get those only from the application jar spark-submit ships, as on a
 * real cluster.
 */
final class StandaloneCluster implements AutoCloseable {
    private static final Pattern EXECUTOR_PID = Pattern.compile("Started daemon with process name: (\\d+)@");
    /** What a Spark distribution does not ship: the job's own libraries. */
    private static final Pattern JOB_LIBRARIES = Pattern.compile("/org/(nd4j|deeplearning4j|datavec|bytedeco)/|sparklm");

    private final Path dir;
    private final Path sparkHome;
    private final String classpath;
    private final int port;
    private final List<Process> daemons = new ArrayList<>();
    private final List<Path> workDirs = new ArrayList<>();

    StandaloneCluster(Path dir, int workers, int coresPerWorker, String memoryPerWorker) throws IOException {
        this.dir = dir;
        Path classpathFile = Path.of("target", "spark-classpath.txt");
        if (!Files.exists(classpathFile)) {
            throw new IllegalStateException(classpathFile.toAbsolutePath() + " is missing: the cluster tests run after "
                    + "'package' (mvn verify)");
        }
        List<String> spark = Arrays.stream(Files.readString(classpathFile).trim().split(":"))
                .filter(j -> !JOB_LIBRARIES.matcher(j).find()).toList();
        this.classpath = String.join(":", spark);
        this.sparkHome = dir.resolve("spark-home");
        Path jars = Files.createDirectories(sparkHome.resolve("jars"));
        for (String jar : spark) {
            Path link = jars.resolve(Path.of(jar).getFileName());
            if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(link, Path.of(jar));
            }
        }
        this.port = freePort();
        Process master = start("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                "--port", Integer.toString(port), "--webui-port", Integer.toString(freePort()));
        awaitLog(dir.resolve("master.log"), "I have been elected leader", Duration.ofSeconds(60), master);
        for (int i = 1; i <= workers; i++) {
            Path work = Files.createDirectories(dir.resolve("worker-" + i));
            workDirs.add(work);
            start("worker-" + i, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                    "--cores", Integer.toString(coresPerWorker), "--memory", memoryPerWorker,
                    "--work-dir", work.toString(), "--webui-port", "0", masterUrl());
        }
        Instant deadline = Instant.now().plusSeconds(90);
        while (count(Files.readString(dir.resolve("master.log")), "Registering worker") < workers) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the workers did not register with the master:\n" + tail(dir.resolve("master.log")));
            }
            sleep(200);
        }
    }

    String masterUrl() {
        return "spark://127.0.0.1:" + port;
    }

    private Process start(String name, String mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(javaBin(), "-Xmx512m", "-cp", classpath));
        command.addAll(javaOptions("spark.driver.extraJavaOptions"));
        command.add(mainClass);
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile());
        Map<String, String> env = pb.environment();
        env.put("SPARK_HOME", sparkHome.toString());
        env.put("SPARK_SCALA_VERSION", "2.12");
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        Process p = pb.start();
        daemons.add(p);
        return p;
    }

    /** The process ids of the executors that every application so far ran on this cluster. */
    Set<Long> executorPids() {
        Set<Long> pids = new HashSet<>();
        for (Path stderr : executorLogs()) {
            Matcher m = EXECUTOR_PID.matcher(read(stderr));
            while (m.find()) {
                pids.add(Long.parseLong(m.group(1)));
            }
        }
        return pids;
    }

    /** {@code <work>/<app-id>/<executor-id>/stderr} of every executor every worker started. */
    List<Path> executorLogs() {
        List<Path> logs = new ArrayList<>();
        for (Path work : workDirs) {
            try (var files = Files.walk(work, 3)) {
                files.filter(f -> f.getFileName().toString().equals("stderr")).forEach(logs::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return logs;
    }

    @Override
    public void close() {
        for (Process p : daemons) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);   // executors
            p.destroyForcibly();
        }
        for (Process p : daemons) {
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Java options from conf/spark-defaults.conf, split at white space: {@code key} is
     * spark.driver.extraJavaOptions (as bin/spark-submit uses them) or spark.executor.extraJavaOptions.
     */
    static List<String> javaOptions(String key) {
        for (String line : read(Path.of("..", "conf", "spark-defaults.conf")).lines().toList()) {
            if (line.startsWith(key)) {
                return List.of(line.substring(key.length()).trim().split("\\s+"));
            }
        }
        throw new IllegalStateException("no " + key + " in conf/spark-defaults.conf");
    }

    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Waits until {@code log} contains {@code text}; fails early if {@code process} ends first. */
    static void awaitLog(Path log, String text, Duration timeout, Process process) {
        Instant deadline = Instant.now().plus(timeout);
        while (!(Files.exists(log) && read(log).contains(text))) {
            if (!process.isAlive()) {
                throw new IllegalStateException(log + " ended (exit " + process.exitValue() + ") without '" + text + "':\n" + tail(log));
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("no '" + text + "' in " + log + " after " + timeout + ":\n" + tail(log));
            }
            sleep(100);
        }
    }

    static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String tail(Path file) {
        if (!Files.exists(file)) {
            return "(no " + file + ")";
        }
        List<String> lines = read(file).lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
