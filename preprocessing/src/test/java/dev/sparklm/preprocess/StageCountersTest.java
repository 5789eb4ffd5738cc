package dev.sparklm.preprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparklm.io.LocalSpark;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class StageCountersTest {
    @Test
    void countsAddUpAndMerge() {
        StageCounters a = new StageCounters();
        a.add("pii.email", 2);
        a.add("pii.email", 3);
        StageCounters b = new StageCounters();
        b.add(Map.of("pii.email", 1L, "pii.phone", 4L));
        a.merge(b);
        assertEquals(Map.of("pii.email", 6L, "pii.phone", 4L), a.value());
        assertEquals(0, a.get("html.nanos"));
        StageCounters copy = a.copy();
        a.reset();
        assertTrue(a.isZero());
        assertEquals(6, copy.get("pii.email"));
    }

    /** The job reads the first pass's counts once, so a later recomputation cannot change what it reported. */
    @Test
    void aValueReadStaysAsItWas() {
        StageCounters c = new StageCounters();
        c.add("normalize.chars", 10);
        Map<String, Long> read = c.value();
        c.add("normalize.chars", 5);
        c.add("language.eng", 1);
        assertEquals(Map.of("normalize.chars", 10L), read);
        assertNull(read.get("language.eng"));
    }

    /**
     * Spark's status listener prints a registered accumulator's value on its own thread while the
     * scheduler merges finished tasks into it, and executors serialize running tasks' counters
     * for heartbeats while the task adds: neither may see the map mid-change (a run logged
     * "Listener AppStatusListener threw an exception: ConcurrentModificationException"). The
     * printing thread fails within milliseconds if value() or add() runs without the lock; a
     * serialization torn by concurrent adds does not throw, so that thread only checks that what
     * it reads back is whole entries.
     */
    @Test
    void readersOnOtherThreadsNeverSeeTheMapChanging() throws Exception {
        StageCounters registered = new StageCounters();
        LocalSpark.get().sparkContext().register(registered, "stage counters test");
        StageCounters c = (StageCounters) deserialize(serialize(registered));   // what a task holds
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            for (long i = 0; !stop.get(); i++) {
                c.add("key." + (i % 50_000), 1);   // new keys: structural changes
                if (i % 50_000 == 49_999) {
                    c.reset();
                }
            }
        });
        Runnable printing = () -> {   // the status listener
            try {
                while (!stop.get()) {
                    c.value().toString();
                }
            } catch (RuntimeException e) {
                failure.set(e);
            }
        };
        Runnable serializing = () -> {   // the heartbeat, read back as the driver does
            try {
                while (!stop.get()) {
                    Map<String, Long> sent = ((StageCounters) deserialize(serialize(c))).value();
                    sent.forEach((k, v) -> {
                        if (!k.startsWith("key.") || v < 1) {
                            throw new IllegalStateException("garbled entry " + k + "=" + v);
                        }
                    });
                }
            } catch (IOException | ClassNotFoundException | RuntimeException e) {
                failure.set(e);
            }
        };
        List<Thread> threads = List.of(writer, new Thread(printing), new Thread(serializing));
        threads.forEach(Thread::start);
        for (int i = 0; i < 100 && failure.get() == null; i++) {
            Thread.sleep(10);
        }
        stop.set(true);
        for (Thread t : threads) {
            t.join();
        }
        assertNull(failure.get(), () -> "a reader saw the map changing: " + failure.get());
    }

    private static byte[] serialize(Object o) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static Object deserialize(byte[] bytes) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return in.readObject();
        }
    }
}
