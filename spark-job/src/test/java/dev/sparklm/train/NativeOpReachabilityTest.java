package dev.sparklm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * ND4J M2.1's executor hands libnd4j the native buffers of an op's arrays and then no longer
 * uses the op: once compiled, the JVM may collect the op, and an array only it holds (a
 * broadcast's dimensions, extra arguments), during the native call; ND4J's deallocator thread
 * then frees the buffer libnd4j is reading (SIGSEGV in {@code sd::DataBuffer::primary()} under
 * {@code execBroadcast}, from DL4J's LSTM forward pass: once in a test run, and within 3-20 s in
 * {@link NativeOpStress}). conf/spark-defaults.conf keeps those executor methods interpreted,
 * where every local stays reachable. This runs the stress for 25 s in a JVM with the executors'
 * options from that file: it crashed within 3-20 s in each of six runs without them, and in none
 * of four runs of 25-45 s with them.
 */
class NativeOpReachabilityTest {
    @Test
    void evaluationUnderGcPressureDoesNotCrashWithTheShippedJvmOptions() throws Exception {
        List<String> options = StandaloneCluster.javaOptions("spark.executor.extraJavaOptions");
        List<String> compileCommands = options.stream().filter(o -> o.startsWith("-XX:CompileCommand=")).toList();
        assertTrue(compileCommands.size() > 1, "no CompileCommand options in conf/spark-defaults.conf");
        // The test JVMs (the pom's argLine) run with the same ones, or a test could crash the build.
        List<String> own = ManagementFactory.getRuntimeMXBean().getInputArguments();
        for (String c : compileCommands) {
            assertTrue(own.contains(c), c + " is in conf/spark-defaults.conf but not in the test JVM's options (pom.xml argLine)");
        }

        Path log = Path.of("target", "native-op-stress.log");
        List<String> command = new ArrayList<>();
        command.add(StandaloneCluster.javaBin());
        command.addAll(options);
        command.addAll(List.of("-Xmx1g", "-Xmn16m", "-XX:ErrorFile=target/hs_err_pid%p.log",
                "-cp", System.getProperty("java.class.path"), NativeOpStress.class.getName(), "25"));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process p = pb.start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the stress did not finish in 3 minutes: " + log);
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), "the stress JVM died (a crash report is in target/hs_err_pid*.log):\n"
                + output.substring(Math.max(0, output.length() - 3000)));
        Matcher m = Pattern.compile("evaluations (\\d+)").matcher(output);
        assertTrue(m.find(), output);
        assertTrue(Long.parseLong(m.group(1)) > 100, "too few evaluations to have tested anything: " + m.group(1));
    }
}
