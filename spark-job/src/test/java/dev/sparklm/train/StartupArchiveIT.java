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
 * {@code bin/spark-submit} starts its JVMs with: they take Spark's classes from it, and an archive
 * that does not fit the jars (built for another classpath, or no archive at all) is passed over
 * without a word. Runs after {@code package} ({@code mvn verify}); {@code -Dcds.skip} skips both.
 */
class StartupArchiveIT {
    static final Path ARCHIVE = Path.of("target", "spark-local.jsa").toAbsolutePath();
    static final Path DIR = Path.of("target", "startup-archive-it").toAbsolutePath();

    /** One {@code bin/preprocess --help}: what it printed (stdout and stderr) and where its classes came from. */
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
        assertEquals(0, withoutArchive.fromArchive());
        // Today 2,728 of 3,255 classes (the JDK's own archive serves others in both runs).
        assertTrue(with.fromArchive() > 1_000, "classes from the archive: " + with.fromArchive());
        assertTrue(with.fromJars() * 3 < withoutArchive.fromJars(),
                "classes read from jars: " + with.fromJars() + " with the archive, " + withoutArchive.fromJars() + " without");
    }

    @Test
    void anArchiveThatDoesNotFitIsPassedOverSilently() throws Exception {
        Path garbage = Files.writeString(DIR.resolve("garbage.jsa"), "not an archive");
        // A real archive, of the tokenizer's command line run from another classpath (its own jar
        // and picocli's): the archived tokenizer classes tie it to that classpath.
        List<String> jars = Arrays.asList(Files.readString(Path.of("target", "spark-classpath.txt")).trim().split(":"));
        String classpath = jar(jars, "sparklm-tokenizer") + ":" + jar(jars, "picocli");
        Path other = DIR.resolve("other.jsa");
        run(List.of(ProcessHandle.current().info().command().orElse("java"), "-XX:ArchiveClassesAtExit=" + other,
                "-cp", classpath, "dev.sparklm.tokenizer.cli.TokenizerCli", "--help"), Map.of(), DIR.resolve("other-dump.log"));
        assertTrue(Files.size(other) > 0, "the other archive was not written");
        for (Path archive : List.of(garbage, other)) {
            Start s = start(archive.getFileName().toString(), archive.toString());
            assertEquals(withoutArchive.output(), s.output(), archive.toString());
            assertEquals(0, s.fromArchive(), archive.toString());
        }
    }

    static String jar(List<String> jars, String name) {
        return jars.stream().filter(j -> j.contains(name)).findFirst().orElseThrow(() -> new AssertionError("no " + name + " jar"));
    }

    static Start start(String name, String archive) throws Exception {
        Path classes = DIR.resolve(name + "-classes.log");
        String output = run(List.of("../bin/preprocess", "--help"),
                Map.of("SPARKLM_CDS_ARCHIVE", archive, "SPARKLM_JAVA_OPTS", "-Xlog:class+load=info:file=" + classes),
                DIR.resolve(name + ".log"));
        int fromArchive = 0;
        int fromJars = 0;
        for (String line : Files.readAllLines(classes, StandardCharsets.UTF_8)) {
            if (line.endsWith("source: shared objects file (top)")) {
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
