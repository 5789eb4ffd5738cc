package dev.sparklm.preprocess;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.spark.TaskContext;

/**
 * The local file system (installed as fs.file.impl, uncached, in one Spark context's Hadoop
 * configuration) whose first open of each file named {@code *fail-once*} inside a Spark task
 * kills that task attempt: an error, as a crashed executor would; an I/O exception would be
 * quarantined as an unreadable file instead.
 */
public final class FlakyFileSystem extends LocalFileSystem {
    static final Set<String> FAILED = ConcurrentHashMap.newKeySet();

    public FlakyFileSystem() {
        super(new Raw());   // the readers open input through the raw file system
    }

    static final class Raw extends RawLocalFileSystem {
        @Override
        public FSDataInputStream open(Path f, int bufferSize) throws IOException {
            TaskContext task = TaskContext.get();
            if (f.getName().contains("fail-once") && !f.getName().endsWith(".crc") && task != null
                    && FAILED.add(f.toString())) {
                throw new AssertionError("injected failure of task attempt " + task.attemptNumber() + " reading " + f);
            }
            return super.open(f, bufferSize);
        }
    }
}
