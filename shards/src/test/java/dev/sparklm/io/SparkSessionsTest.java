package dev.sparklm.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

class SparkSessionsTest {
    @Test
    void onlyLocalModeIsOneJvm() {
        assertTrue(SparkSessions.isLocal("local"));
        assertTrue(SparkSessions.isLocal("local[2]"));
        assertTrue(SparkSessions.isLocal("local[*]"));
        assertTrue(SparkSessions.isLocal("local[4,2]"));
        assertFalse(SparkSessions.isLocal("local-cluster[2,1,1024]"), "executors in JVMs of their own");
        assertFalse(SparkSessions.isLocal("spark://host:7077"));
        assertFalse(SparkSessions.isLocal("yarn"));
        assertFalse(SparkSessions.isLocal("k8s://https://host:443"));
    }

    @Test
    void oneJvmSettingsFillInWhatTheUserDidNotSet() {
        SparkConf conf = new SparkConf(false).set("spark.broadcast.compress", "true");
        SparkSessions.inOneJvm(conf);
        assertEquals("true", conf.get("spark.broadcast.compress"), "the user's own setting stays");
        assertEquals("1g", conf.get("spark.task.maxDirectResultSize"));
        // The direct result size is capped by the RPC message size: raised with it.
        assertEquals("1024", conf.get("spark.rpc.message.maxSize"));
    }

    @Test
    void theRecordsRegistratorFollowsTheUsersOwn() {
        String ours = KryoRecords.class.getName();
        SparkConf none = new SparkConf(false);
        SparkSessions.addKryoRegistrator(none);
        assertEquals(ours, none.get(SparkSessions.KRYO_REGISTRATOR));
        SparkConf theirs = new SparkConf(false).set(SparkSessions.KRYO_REGISTRATOR, "org.nd4j.kryo.Nd4jRegistrator");
        SparkSessions.addKryoRegistrator(theirs);
        assertEquals("org.nd4j.kryo.Nd4jRegistrator," + ours, theirs.get(SparkSessions.KRYO_REGISTRATOR));
        SparkSessions.addKryoRegistrator(theirs);
        assertEquals("org.nd4j.kryo.Nd4jRegistrator," + ours, theirs.get(SparkSessions.KRYO_REGISTRATOR), "added once");
    }
}
