package org.mbmrl.workers.model;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Copies between Java arrays and plain (contiguous, offset-0, c-order) ND4J arrays, without ND4J ops. */
public final class NdBuffers {
    private NdBuffers() {}

    /** The first {@code n} elements of {@code plain} into {@code dst}. */
    public static void read(INDArray plain, double[] dst, int n) {
        read(plain, 0, dst, n);
    }

    /** Elements {@code from .. from+n-1} of {@code plain} into {@code dst[0 .. n)}. */
    public static void read(INDArray plain, int from, double[] dst, int n) {
        checkPlain(plain, from + n);
        if (plain.dataType() == DataType.FLOAT) {
            FloatBuffer b = plain.data().asNioFloat();
            for (int i = 0; i < n; i++) {
                dst[i] = b.get(from + i);
            }
        } else {
            DoubleBuffer b = plain.data().asNioDouble();
            for (int i = 0; i < n; i++) {
                dst[i] = b.get(from + i);
            }
        }
    }

    /** {@code src[0 .. n)} into the first {@code n} elements of {@code plain} (rounded to float for FLOAT). */
    public static void write(double[] src, INDArray plain, int n) {
        write(src, plain, 0, n);
    }

    /** {@code src[0 .. n)} into elements {@code from .. from+n-1} of {@code plain} (rounded to float for FLOAT). */
    public static void write(double[] src, INDArray plain, int from, int n) {
        checkPlain(plain, from + n);
        if (plain.dataType() == DataType.FLOAT) {
            FloatBuffer b = plain.data().asNioFloat();
            for (int i = 0; i < n; i++) {
                b.put(from + i, (float) src[i]);
            }
        } else {
            DoubleBuffer b = plain.data().asNioDouble();
            for (int i = 0; i < n; i++) {
                b.put(from + i, src[i]);
            }
        }
    }

    private static void checkPlain(INDArray a, int n) {
        if (a.isView() || a.ordering() != 'c' || a.offset() != 0 || a.length() < n
                || (a.dataType() != DataType.FLOAT && a.dataType() != DataType.DOUBLE)) {
            throw new IllegalStateException("expected a plain c-order FLOAT or DOUBLE array of at least " + n
                    + " elements; got " + a.shapeInfoToString());
        }
    }
}
