package dev.sparklm.io;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** The one place a job gets its SparkSession. */
public final class SparkSessions {
    private static final String DEFAULT_MASTER = "local[*]";

    private SparkSessions() {}

    /**
     * Returns the active session, or creates one. spark-submit sets the master; a job started
     * some other way (an IDE, a test) runs in local mode on every core.
     */
    public static SparkSession getOrCreate(String appName) {
        SparkConf conf = new SparkConf();
        if (!conf.contains("spark.master")) {
            conf.setMaster(DEFAULT_MASTER);
        }
        if (!conf.contains("spark.app.name")) {
            conf.setAppName(appName);
        }
        if (isLocal(conf.get("spark.master"))) {
            inOneJvm(conf);
        }
        addKryoRegistrator(conf);
        return SparkSession.builder().config(conf).getOrCreate();
    }

    static final String KRYO_REGISTRATOR = "spark.kryo.registrator";

    /**
     * Adds {@link KryoRecords} to spark.kryo.registrator (after any the user lists), so the jobs'
     * records survive a cluster whose spark.serializer is Kryo; without Kryo it is never loaded.
     */
    static void addKryoRegistrator(SparkConf conf) {
        String ours = KryoRecords.class.getName();
        String theirs = conf.get(KRYO_REGISTRATOR, "").trim();
        if (theirs.isEmpty()) {
            conf.set(KRYO_REGISTRATOR, ours);
        } else if (!java.util.Arrays.asList(theirs.split("\\s*,\\s*")).contains(ours)) {
            conf.set(KRYO_REGISTRATOR, theirs + "," + ours);
        }
    }

    /** Whether a session {@link #getOrCreate} makes now runs in local mode (before it is made). */
    public static boolean startsLocal() {
        return isLocal(new SparkConf().get("spark.master", DEFAULT_MASTER));
    }

    /** Local mode: driver and executors share one JVM ({@code local-cluster} starts executor JVMs of its own). */
    public static boolean isLocal(String master) {
        return master.equals("local") || master.startsWith("local[");
    }

    /**
     * Transport settings for one JVM, unless set: a task's result up to 1 GiB is handed to the
     * driver in memory (a larger one is stored in the block manager and fetched back over the
     * loopback network: 0.5 s a round for the two 89 MB results of the 8k-vocabulary GPT's
     * parameter averaging), and broadcasts are not compressed (executors read the driver's own
     * copy; the compressed copy is never read, and float parameters barely compress).
     */
    public static void inOneJvm(SparkConf conf) {
        conf.setIfMissing("spark.rpc.message.maxSize", "1024");           // MiB; caps the direct result size
        conf.setIfMissing("spark.task.maxDirectResultSize", "1g");
        conf.setIfMissing("spark.broadcast.compress", "false");
    }
}
