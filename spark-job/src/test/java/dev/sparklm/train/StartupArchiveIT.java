package dev.sparklm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The class data sharing archive that {@code mvn package} writes (src/build/cds-archive.sh) and
 * {@code bin/spark-submit} starts its JVMs with: they take Spark's classes from it, a JVM with a
 * class file load hook (JFR here) runs on it without crashing, and an archive that does not fit
 * the jars (built for another classpath, or no archive at all) is passed over without a word.
 * Runs after {@code package} ({@code mvn verify}); {@code -Dcds.skip} skips both.
 */
class StartupArchiveIT {
    static final Path ARCHIVE = Path.of("target", "spark-local.jsa").toAbsolutePath();
    static final Path DIR = Path.of("target", "startup-archive-it").toAbsolutePath();

    /** One command: what it printed (stdout and stderr) and where its classes came from. */
    record Start(String output, int fromArchive, int fromJars) {}

    static Start withoutArchive;

    @BeforeAll
    static void reference() throws Exception {
        Assumptions.assumeFalse(Boolean.getBoolean("cds.skip"), "-Dcds.skip: the build wrote no archive");
        EndToEndTest.deleteRecursively(DIR);
        Files.createDirectories(DIR);
        withoutArchive = start("none", "");
    }

    @Test
    void theBuiltArchiveServesMostClassesAndChangesNothingElse() throws Exception {
        assertTrue(Files.isRegularFile(ARCHIVE), ARCHIVE + " is missing: see cds-archive's warning in the build's log");
        Start with = start("built", ARCHIVE.toString());
        assertEquals(withoutArchive.output(), with.output());
        // Today 4,064 against the JDK's own archive's 1,195 (without ours), of about 4,450 classes.
        assertTrue(with.fromArchive() > withoutArchive.fromArchive() + 1_000,
                "classes from an archive: " + with.fromArchive() + " with ours, " + withoutArchive.fromArchive() + " without");
        assertTrue(with.fromJars() * 3 < withoutArchive.fromJars(),
                "classes read from jars: " + with.fromJars() + " with the archive, " + withoutArchive.fromJars() + " without");
    }

    @Test
    void anArchiveThatDoesNotFitIsPassedOverSilently() throws Exception {
        Path garbage = Files.writeString(DIR.resolve("garbage.jsa"), "not an archive");
        // A real archive, made as the build makes ours, of the tokenizer's command line run from
        // another classpath (its own jar and picocli's): its classes tie it to that classpath.
        List<String> jars = Arrays.asList(Files.readString(Path.of("target", "spark-classpath.txt")).trim().split(":"));
        String classpath = jar(jars, "sparklm-tokenizer") + ":" + jar(jars, "picocli");
        String java = StandaloneCluster.javaBin();
        Path classes = DIR.resolve("other.lst");
        Path other = DIR.resolve("other.jsa");
        run(List.of(java, "-XX:DumpLoadedClassList=" + classes, "-cp", classpath, "dev.sparklm.tokenizer.cli.TokenizerCli", "--help"),
                Map.of(), DIR.resolve("other-list.log"));
        run(List.of(java, "-Xshare:dump", "-XX:SharedClassListFile=" + classes, "-XX:SharedArchiveFile=" + other, "-cp", classpath),
                Map.of(), DIR.resolve("other-dump.log"));
        assertTrue(Files.size(other) > 0, "the other archive was not written");
        for (Path archive : List.of(garbage, other)) {
            Start s = start(archive.getFileName().toString(), archive.toString());
            assertEquals(withoutArchive.output(), s.output(), archive.toString());
            // Class data sharing is off for the run: every class read from a jar or the JDK's image.
            assertEquals(0, s.fromArchive(), archive.toString());
            assertTrue(s.fromJars() >= withoutArchive.fromJars(), archive + ": " + s.fromJars() + " classes from jars");
        }
    }

    /**
     * JFR, like a Java agent, hooks class loading: the JVM then reads the class file of every class
     * it maps from the archive, and on JDK 17 crashes when there is none (JDK-8343427), e.g. a class
     * that log4j-api's multi-release jar holds only under META-INF/versions/9. The build leaves
     * such classes out (CdsClassList.java); this runs the very job the archive was made from under JFR.
     */
    @Test
    void aRunWithFlightRecordingUsesTheArchiveWithoutCrashing() throws Exception {
        Path recording = DIR.resolve("run.jfr");
        Start s = start("jfr", ARCHIVE.toString(), "-XX:StartFlightRecording=filename=" + recording,
                "../bin/preprocess", "--config", "../conf/tinyshakespeare.conf", "--input", "../data/tinyshakespeare/input.txt",
                "--output", DIR.resolve("jfr-data").toString());
        assertTrue(Files.isRegularFile(DIR.resolve("jfr-data").resolve("manifest.json")), s.output());
        assertTrue(s.fromArchive() > withoutArchive.fromArchive() + 1_000, "classes from an archive: " + s.fromArchive());
        assertTrue(Files.size(recording) > 0, "no flight recording written");
    }

    static String jar(List<String> jars, String name) {
        return jars.stream().filter(j -> j.contains(name)).findFirst().orElseThrow(() -> new AssertionError("no " + name + " jar"));
    }

    static Start start(String name, String archive) throws Exception {
        return start(name, archive, "", "../bin/preprocess", "--help");
    }

    /** Runs the command with the archive (empty: none) and the extra JVM options, logging where each class came from. */
    static Start start(String name, String archive, String jvmOptions, String... command) throws Exception {
        Path classes = DIR.resolve(name + "-classes.log");
        String output = run(List.of(command),
                Map.of("SPARKLM_CDS_ARCHIVE", archive, "SPARKLM_JAVA_OPTS", jvmOptions + " -Xlog:class+load=info:file=" + classes),
                DIR.resolve(name + ".log"));
        int fromArchive = 0;
        int fromJars = 0;
        for (String line : Files.readAllLines(classes, StandardCharsets.UTF_8)) {
            if (line.contains("source: shared objects file")) {
                fromArchive++;
            } else if (line.contains("source: file:") || line.contains("source: jar:")) {
                fromJars++;
            }
        }
        return new Start(output, fromArchive, fromJars);
    }

    /** The command's output (stdout and stderr); fails unless it exits with 0 within a minute. */
    static String run(List<String> command, Map<String, String> env, Path log) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().remove("SPARK_HOME");   // bin/spark-submit runs Spark from the build
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish in a minute: " + Files.readString(log));
        }
        String output = Files.readString(log);
        assertEquals(0, p.exitValue(), command + " failed:\n" + output);
        return output;
    }
}
