package dev.sparklm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparklm.io.JobConfigException;
import dev.sparklm.io.LocalSpark;
import dev.sparklm.preprocess.PreprocessConfig;
import dev.sparklm.preprocess.PreprocessJob;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.StageInfo;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.collection.JavaConverters;

/**
 * A round's sums reach the driver within spark.driver.maxResultSize, which Spark enforces over
 * all of an action's results: 16 workers of a model with 23 M parameters pass the default 1g.
 */
class DriverResultSizeTest {
    @TempDir
    Path tmp;

    /** The count the code predicts against the result stage Spark itself plans for a tree aggregation. */
    @Test
    void treeResultsIsWhatSparkSendsTheDriver() throws Exception {
        SparkSession spark = LocalSpark.get();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Map<Integer, Integer> resultTasks = new ConcurrentHashMap<>();
        SparkListener listener = new SparkListener() {
            @Override
            public void onJobStart(SparkListenerJobStart job) {
                List<StageInfo> stages = JavaConverters.seqAsJavaList(job.stageInfos());
                StageInfo last = stages.stream().max(java.util.Comparator.comparingInt(StageInfo::stageId)).orElseThrow();
                resultTasks.put(job.jobId(), last.numTasks());
            }
        };
        spark.sparkContext().addSparkListener(listener);
        try {
            for (int n : new int[] {1, 2, 3, 4, 5, 8, 9, 16, 17, 50, 100, 144, 1000}) {
                resultTasks.clear();
                List<Integer> ones = IntStream.range(0, n).boxed().toList();
                int total = sc.parallelize(ones, n).treeAggregate(0, (a, x) -> a + 1, Integer::sum);
                assertEquals(n, total);
                spark.sparkContext().listenerBus().waitUntilEmpty();
                int last = resultTasks.keySet().stream().max(Integer::compare).orElseThrow();
                assertEquals(resultTasks.get(last), ParameterAveraging.treeResults(n), "partitions " + n);
            }
        } finally {
            spark.sparkContext().removeSparkListener(listener);
        }
        assertFalse(ParameterAveraging.sumOnExecutor(16, 1 << 20, 0), "0: no limit");
        assertTrue(ParameterAveraging.sumOnExecutor(16, 300 << 20, 1L << 30), "4 sums of 300 MB pass 1g");
        assertFalse(ParameterAveraging.sumOnExecutor(2, 300 << 20, 1L << 30));
    }

    @Test
    void aRoundWhoseSumsPassTheLimitSumsOnAnExecutor() throws IOException {
        String all = Files.readString(EndToEndTest.CORPUS, StandardCharsets.UTF_8);
        Path input = Files.writeString(tmp.resolve("slice.txt"), all.substring(0, all.lastIndexOf("\n\n", 60_000)));
        Path data = tmp.resolve("data");
        SparkSession shared = LocalSpark.get();
        PreprocessJob.run(shared, PreprocessConfig.load(Optional.of(new java.io.File("../conf/tinyshakespeare.conf")),
                Map.of("input", input.toString(), "output", data.toString(), "context", "16")));
        shared.stop();

        SparkSession limited = SparkSession.builder().master("local[2]").appName("sparklm-result-size-test")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config(ParameterAveraging.MAX_RESULT_SIZE, "1m").getOrCreate();
        try {
            // 94 k floats of parameters and Adam state: 440 KB a sum, 4 workers' sums 1.7 MB.
            TrainJob.Result r = TrainJob.run(limited, config(data, tmp.resolve("run"), "64"), TrainJob.Start.NEW);
            assertEquals(3, r.steps());
            assertTrue(Double.isFinite(r.validationLoss()));

            // One sum alone over the limit: refused before training, with the setting to change.
            JobConfigException e = assertThrows(JobConfigException.class,
                    () -> TrainJob.run(limited, config(data, tmp.resolve("big"), "256"), TrainJob.Start.NEW));
            assertTrue(e.getMessage().contains("spark.driver.maxResultSize") && e.getMessage().contains("--conf"), e.getMessage());

            // DL4J's master ends its sum on the driver: the same 4 sums are refused up front.
            Map<String, String> dl4j = new HashMap<>(Map.of("spark.averaging", "dl4j"));
            JobConfigException d = assertThrows(JobConfigException.class,
                    () -> TrainJob.run(limited, config(data, tmp.resolve("dl4j"), "64", dl4j), TrainJob.Start.NEW));
            assertTrue(d.getMessage().contains("averaging = dl4j") && d.getMessage().contains("4 sums"), d.getMessage());
        } finally {
            limited.stop();   // the next test class gets a fresh LocalSpark session
        }
    }

    private static TrainConfig config(Path data, Path run, String hidden) {
        return config(data, run, hidden, Map.of());
    }

    private static TrainConfig config(Path data, Path run, String hidden, Map<String, String> extra) {
        Map<String, String> o = new HashMap<>(Map.of("data", data.toString(), "output", run.toString(),
                "model.embedding", "32", "model.hidden", hidden, "spark.batch-size-per-worker", "8",
                "spark.workers", "4", "spark.averaging-frequency", "1", "evaluation.every-rounds", "3", "epochs", "5",
                "max-steps", "3"));
        o.putAll(extra);
        return TrainConfig.load(Optional.empty(), o);
    }
}
