package dev.sparklm.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import scala.reflect.ClassTag$;

/** Round trips through Spark's own Kryo serializer, configured as a cluster that names Kryo would be. */
class KryoRecordsTest {
    private record Inner(long a, String b) implements Serializable {}

    private record Outer(int[] ids, Inner inner, Object any, List<String> names, double x) implements Serializable {}

    /** Keeps its data in transient fields and writes it itself, as the training job's parameter vectors do. */
    static final class WritesItself implements Serializable {
        transient float[] values;
        int plain;

        WritesItself(float[] values, int plain) {
            this.values = values;
            this.plain = plain;
        }

        private void writeObject(ObjectOutputStream out) throws IOException {
            out.defaultWriteObject();
            out.writeInt(values.length);
            for (float v : values) {
                out.writeFloat(v);
            }
        }

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            values = new float[in.readInt()];
            for (int i = 0; i < values.length; i++) {
                values[i] = in.readFloat();
            }
        }
    }

    static final class Plain implements Serializable {
        transient int skipped = 7;
        int kept;
    }

    private static SerializerInstance kryo(boolean withRegistrator) {
        SparkConf conf = new SparkConf(false);
        if (withRegistrator) {
            SparkSessions.addKryoRegistrator(conf);
        }
        return new KryoSerializer(conf).newInstance();
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(SerializerInstance ser, T value) {
        var tag = ClassTag$.MODULE$.<Object>AnyRef();
        return (T) ser.deserialize(ser.serialize(value, tag), tag);
    }

    @Test
    void recordsComeBackWithEveryComponent() {
        SerializerInstance ser = kryo(true);
        Outer o = new Outer(new int[] {3, -1, 7}, new Inner(Long.MIN_VALUE, "ü"), new Inner(2, null), List.of("a", "b"), 0.25);
        Outer back = roundTrip(ser, o);
        assertArrayEquals(o.ids(), back.ids());
        assertEquals(o.inner(), back.inner());
        assertEquals(o.any(), back.any(), "a component of a wider type keeps its class");
        assertEquals(o.names(), back.names());
        assertEquals(0.25, back.x());
        Outer nulls = roundTrip(ser, new Outer(null, null, null, null, -0.0));
        assertNull(nulls.ids());
        assertNull(nulls.inner());
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(nulls.x()));
        List<Object> shared = new ArrayList<>(List.of(new Inner(1, "x")));
        shared.add(shared.get(0));
        List<Object> sharedBack = roundTrip(ser, shared);
        assertEquals(shared, sharedBack);
    }

    @Test
    void withoutTheRegistratorKryoCannotWriteARecord() {
        // What a cluster naming Kryo did to the jobs before: the first record moved failed the task.
        assertThrows(RuntimeException.class, () -> roundTrip(kryo(false), new Inner(1, "x")));
    }

    @Test
    void aClassThatWritesItselfIsWrittenByJavaSerialization() {
        WritesItself back = roundTrip(kryo(true), new WritesItself(new float[] {1.5f, -2f}, 9));
        assertArrayEquals(new float[] {1.5f, -2f}, back.values);
        assertEquals(9, back.plain);
        assertTrue(KryoRecords.writesItself(WritesItself.class));
        assertFalse(KryoRecords.writesItself(Plain.class));
        Plain plain = new Plain();
        plain.kept = 4;
        Plain plainBack = roundTrip(kryo(true), plain);
        assertEquals(4, plainBack.kept);
        // Kryo builds it with its constructor (transient field 7); Java serialization would leave it 0.
        assertEquals(7, plainBack.skipped, "other classes keep Kryo's field serializer");
    }

    @Test
    void immutableCollectionsReadBack() {
        SerializerInstance ser = kryo(true);
        assertEquals(List.of("a", "b", "c"), roundTrip(ser, List.of("a", "b", "c")));
        assertEquals(List.of(1), roundTrip(ser, List.of(1)));
        assertEquals(Set.of(1L, 2L), roundTrip(ser, Set.of(1L, 2L)));
        assertEquals(Map.of("k", 1, "j", 2), roundTrip(ser, Map.of("k", 1, "j", 2)));
        assertEquals(List.of("x", "y"), roundTrip(ser, java.util.stream.Stream.of("x", "y").toList()));
        Map<String, Integer> mutable = new HashMap<>(Map.of("m", 3));
        assertEquals(mutable, roundTrip(ser, mutable));
    }
}
