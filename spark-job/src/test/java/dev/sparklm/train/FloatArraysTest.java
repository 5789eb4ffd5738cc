package dev.sparklm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The round's parameters and optimizer state on the wire and in and out of ND4J, value for value. */
class FloatArraysTest {
    @Test
    void aRoundsStartAndAWorkersSumSurviveJavaSerializationExactly() throws Exception {
        // Not a multiple of the 16,384 floats converted at a time; special values included.
        float[] params = random(40_000, 1);
        params[0] = Float.NaN;
        params[1] = Float.NEGATIVE_INFINITY;
        params[2] = -0.0f;
        params[3] = Float.MIN_VALUE;
        float[] state = random(16_384 * 2, 2);

        ParameterAveraging.Start start = roundTrip(new ParameterAveraging.Start(
                new ParameterAveraging.Vectors(params, state), 1234, 5));
        assertArrayEquals(params, start.model().params);
        assertArrayEquals(state, start.model().state);
        assertEquals(1234, start.step());
        assertEquals(5, start.epoch());

        ParameterAveraging.Sum sum = new ParameterAveraging.Sum();
        sum.replicas = 2;
        sum.steps = 10;
        sum.windows = 160;
        sum.loss = 12.5;
        sum.model = new ParameterAveraging.Vectors(params, new float[0]);
        ParameterAveraging.Sum back = roundTrip(sum);
        assertEquals(2, back.replicas);
        assertEquals(10, back.steps);
        assertEquals(160, back.windows);
        assertEquals(12.5, back.loss);
        assertArrayEquals(params, back.model.params);
        assertArrayEquals(new float[0], back.model.state);

        ParameterAveraging.Sum empty = roundTrip(new ParameterAveraging.Sum());   // a worker with no windows
        assertEquals(0, empty.replicas);
        assertNull(empty.model);
        ParameterAveraging.Vectors none = roundTrip(new ParameterAveraging.Vectors(null, null));
        assertNull(none.params);
        assertNull(none.state);
    }

    @Test
    void copiesReadAndWriteExactlyTheArraysOwnElements() {
        INDArray matrix = Nd4j.rand(DataType.FLOAT, 3, 5);
        INDArray before = matrix.dup();
        INDArray row = matrix.getRow(1);                     // contiguous, at an offset
        float[] values = random(5, 3);
        FloatArrays.copyInto(values, row);
        assertArrayEquals(values, FloatArrays.copyOf(row));
        assertArrayEquals(values, matrix.getRow(1).toFloatVector());
        assertEquals(before.getRow(0), matrix.getRow(0), "the row before is untouched");
        assertEquals(before.getRow(2), matrix.getRow(2), "the row after is untouched");

        INDArray column = matrix.get(NDArrayIndex.all(), NDArrayIndex.point(2));   // strided
        float[] three = random(3, 4);
        FloatArrays.copyInto(three, column);
        assertArrayEquals(three, FloatArrays.copyOf(column));
        assertEquals(before.getRow(0).getFloat(1), matrix.getFloat(0, 1));

        assertThrows(IllegalArgumentException.class, () -> FloatArrays.copyInto(new float[4], row));
    }

    private static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T value) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }
}
