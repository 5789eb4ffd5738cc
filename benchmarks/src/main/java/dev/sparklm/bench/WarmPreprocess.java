package dev.sparklm.bench;

import dev.sparklm.io.SparkSessions;
import dev.sparklm.preprocess.PreprocessConfig;
import dev.sparklm.preprocess.PreprocessJob;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/**
 * The preprocessing job run several times over the same input in one JVM (one Spark application):
 * the first run pays the JVM's warm-up (class loading, the JIT compiling Spark's and the job's
 * code), the later ones show the job's own speed with compiled code. Launched by
 * benchmarks/preprocess-warm.sh through bin/spark-submit with the preprocessing application jar.
 * Usage: WarmPreprocess INPUT OUT_DIR RUNS [key=value job settings...]
 */
public final class WarmPreprocess {
    public static void main(String[] args) {
        String input = args[0];
        String out = args[1];
        int runs = Integer.parseInt(args[2]);
        SparkSession spark = SparkSessions.getOrCreate("sparklm-preprocess-warm");
        try {
            for (int run = 1; run <= runs; run++) {
                Map<String, String> settings = new LinkedHashMap<>();
                settings.put("input", input);
                settings.put("output", out + "/run" + run);
                for (int i = 3; i < args.length; i++) {
                    String[] kv = args[i].split("=", 2);
                    settings.put(kv[0], kv[1]);
                }
                PreprocessConfig cfg = PreprocessConfig.load(Optional.empty(), settings);
                long start = System.nanoTime();
                var manifest = PreprocessJob.run(spark, cfg);
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("[bench] run %d: %.2f s, %d train tokens%n", run, seconds,
                        manifest.split("train").tokens());
            }
        } finally {
            spark.stop();
        }
    }
}
