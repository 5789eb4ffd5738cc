package dev.sparklm.train;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Moves the model's flat float vectors (parameters, optimizer state: 89 MB a worker and a round
 * for the 8k-vocabulary GPT) between the Java heap, the wire and ND4J's native buffers in bulk.
 * Java serialization writes a {@code float[]} one element at a time (about 130 ms for 89 MB
 * here, 65 ms as raw bytes); {@code INDArray.assign} from a fresh native copy costs a second copy.
 */
final class FloatArrays {
    private static final int CHUNK = 1 << 16;   // bytes converted at a time

    private FloatArrays() {}

    /** Writes {@code values} (may be null) as its length and raw little-endian bytes. */
    static void write(ObjectOutputStream out, float[] values) throws IOException {
        if (values == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(values.length);
        ByteBuffer bytes = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        FloatBuffer floats = bytes.asFloatBuffer();
        for (int off = 0; off < values.length; off += floats.capacity()) {
            int n = Math.min(floats.capacity(), values.length - off);
            floats.clear();
            floats.put(values, off, n);
            out.write(bytes.array(), 0, n * Float.BYTES);
        }
    }

    /** Reads what {@link #write} wrote. */
    static float[] read(ObjectInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        float[] values = new float[length];
        ByteBuffer bytes = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        FloatBuffer floats = bytes.asFloatBuffer();
        for (int off = 0; off < length; off += floats.capacity()) {
            int n = Math.min(floats.capacity(), length - off);
            in.readFully(bytes.array(), 0, n * Float.BYTES);
            floats.clear();
            floats.get(values, off, n);
        }
        return values;
    }

    /** A float vector's values (a network's flat parameter or state vector) on the heap, in one bulk copy. */
    static float[] copyOf(INDArray source) {
        FloatBuffer buffer = contiguous(source);
        if (buffer == null) {
            return source.toFloatVector();
        }
        float[] values = new float[(int) source.length()];
        buffer.get(values);
        return values;
    }

    /** Copies {@code values} into a float vector of as many elements (a network's flat parameter or state vector). */
    static void copyInto(float[] values, INDArray target) {
        if (target.length() != values.length) {
            throw new IllegalArgumentException("a vector of " + values.length + " values for an array of " + target.length());
        }
        FloatBuffer buffer = contiguous(target);
        if (buffer == null) {
            target.assign(Nd4j.createFromArray(values).reshape(target.ordering(), target.shape()));
        } else {
            buffer.put(values);
        }
    }

    /** The array's native buffer positioned at its first element, or null when its elements are not adjacent floats. */
    private static FloatBuffer contiguous(INDArray a) {
        if (a.elementWiseStride() != 1 || a.dataType() != DataType.FLOAT) {
            return null;
        }
        FloatBuffer buffer = a.data().asNioFloat();
        buffer.position((int) a.offset());
        return buffer;
    }
}
