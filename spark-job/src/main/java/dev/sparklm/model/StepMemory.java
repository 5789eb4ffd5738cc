package dev.sparklm.model;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import org.nd4j.autodiff.samediff.internal.memory.AbstractMemoryMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.BaseNDArray;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The native arrays of a SameDiff graph's steps, owned here and handed out again: within a step
 * as soon as the session says no op reads an array any more, and across steps, which all ask
 * for the same shapes. A step's memory is then its peak live set, allocated at the first step.
 *
 * <p>Why: SameDiff's own manager caches only up to a quarter of the heap limit and leaves the
 * rest to the garbage collector, which a nearly empty Java heap rarely runs; and M2.1's {@code
 * calculateGradientsAndOutputs} turns releasing off altogether, so every step of the 8k-vocabulary
 * model (context 256, batch 8) left about a gigabyte behind and a training process grew to 16 GB.
 *
 * <p>Use from one thread: {@link #recycle()} after the step's outputs have been read.
 */
public final class StepMemory extends AbstractMemoryMgr {
    private final Map<String, ArrayDeque<INDArray>> free = new HashMap<>();
    /** Handed out and not back yet, by identity: two arrays of equal values are different arrays. */
    private final Set<INDArray> inUse = Collections.newSetFromMap(new IdentityHashMap<>());
    private long created;
    private long handedOut;
    private long bytes;

    @Override
    public INDArray allocate(boolean detached, DataType dataType, long... shape) {
        ArrayDeque<INDArray> same = free.get(key(dataType, shape));
        INDArray array = same == null ? null : same.poll();
        if (array == null) {
            array = Nd4j.createUninitializedDetached(dataType, shape);
            created++;
            bytes += array.length() * dataType.width();
        } else {
            // The session tracks arrays by id: a reused array must look new to it.
            ((BaseNDArray) array).assignNewId();
        }
        inUse.add(array);
        handedOut++;
        return array;
    }

    @Override
    public INDArray allocate(boolean detached, LongShapeDescriptor descriptor) {
        if (descriptor.isEmpty()) {
            return Nd4j.create(descriptor);   // no buffer to keep
        }
        return allocate(detached, descriptor.dataType(), descriptor.getShape());
    }

    /**
     * An array no op of the step reads any more: handed out again within the step, unless a
     * view shares its buffer (the view may still be read; it comes back at {@link #recycle()}).
     */
    @Override
    public void release(INDArray array) {
        if (array.wasClosed() || !inUse.remove(array)) {
            return;   // not one of ours (a placeholder's array), or already back
        }
        if (Nd4j.getExecutioner().useCount(array.data()) > 1) {
            inUse.add(array);
            return;
        }
        putBack(array);
    }

    /** Takes back every array handed out since the last call; the caller no longer reads them. */
    void recycle() {
        for (INDArray array : inUse) {
            if (!array.wasClosed()) {
                putBack(array);
            }
        }
        inUse.clear();
    }

    private void putBack(INDArray array) {
        free.computeIfAbsent(key(array.dataType(), array.shape()), k -> new ArrayDeque<>()).add(array);
    }

    /** What this manager has allocated and handed out so far. */
    Use use() {
        return new Use(bytes, created, handedOut);
    }

    /**
     * @param bytes     native bytes of all arrays allocated
     * @param allocated arrays allocated
     * @param handedOut arrays handed out, new or again
     */
    public record Use(long bytes, long allocated, long handedOut) {}

    @Override
    public void close() {
        recycle();
        free.values().forEach(arrays -> arrays.forEach(INDArray::close));
        free.clear();
    }

    private static String key(DataType dataType, long[] shape) {
        return dataType + Arrays.toString(shape);
    }
}
