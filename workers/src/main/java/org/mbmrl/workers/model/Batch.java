package org.mbmrl.workers.model;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.mbmrl.datasets.TaskTransitions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Model inputs {@code x} (normalized observation and action, then {@code contextDim} context
 * columns) and targets {@code y} (normalized state change) for a run of transitions; plain
 * c-order arrays. The context columns start at zero and are written in place by whoever learns
 * the context ({@link #setContext}, {@link #setContextRows}).
 */
public record Batch(INDArray x, INDArray y) {

    public int size() {
        return (int) x.rows();
    }

    /**
     * Rows {@code from .. from+count-1} of {@code task}, normalized ({@link Normalizer}), with
     * {@code contextDim} zero context columns.
     */
    public static Batch of(TaskTransitions task, int from, int count, Normalizer norm, int contextDim, DataType dtype) {
        return ofRuns(task, new int[] {from}, count, norm, contextDim, dtype);
    }

    /**
     * The runs of {@code length} rows of {@code task} starting at each of {@code starts}, stacked
     * in that order into one batch (as {@link #of} normalizes them).
     */
    public static Batch ofRuns(TaskTransitions task, int[] starts, int length, Normalizer norm, int contextDim,
            DataType dtype) {
        int ds = task.observationDim();
        int in = ds + task.actionDim() + contextDim;
        int count = Math.multiplyExact(starts.length, length);
        double[][] xy = values(task, starts, length, norm, contextDim);
        return new Batch(array(xy[0], count, in, dtype), array(xy[1], count, ds, dtype));
    }

    /**
     * Overwrites this batch with the runs {@link #ofRuns} would build (context columns zero), so
     * a learner can reuse one batch's arrays for every segment; the shape must match.
     */
    public Batch fill(TaskTransitions task, int[] starts, int length, Normalizer norm) {
        int contextDim = (int) x.columns() - task.observationDim() - task.actionDim();
        if (contextDim < 0 || (long) starts.length * length != x.rows() || y.columns() != task.observationDim()) {
            throw new IllegalArgumentException("runs of " + starts.length + " x " + length + " rows of task " + task.taskId()
                    + " do not fit a batch of " + x.shapeInfoToString());
        }
        double[][] xy = values(task, starts, length, norm, contextDim);
        NdBuffers.write(xy[0], plain(), xy[0].length);
        NdBuffers.write(xy[1], y, xy[1].length);
        return this;
    }

    /** Normalized inputs and targets of the runs, in double (rounded to the batch's type when stored). */
    private static double[][] values(TaskTransitions task, int[] starts, int length, Normalizer norm, int contextDim) {
        int ds = task.observationDim();
        int da = task.actionDim();
        int in = ds + da + contextDim;
        int count = Math.multiplyExact(starts.length, length);
        double[] x = new double[count * in];
        double[] y = new double[count * ds];
        int r = 0;
        for (int start : starts) {
            if (start < 0 || length < 1 || start + length > task.size()) {
                throw new IndexOutOfBoundsException("rows " + start + ".." + (start + length) + " of task " + task.taskId()
                        + " with " + task.size() + " rows");
            }
            for (int i = start; i < start + length; i++, r++) {
                norm.normalizeInput(task.observation(), i * ds, task.action(), i * da, x, r * in);
                norm.normalizeTarget(task.observation(), i * ds, task.nextObservation(), i * ds, y, r * ds);
            }
        }
        return new double[][] {x, y};
    }

    /** A c-order rows x columns array of {@code dtype} holding {@code values}: one allocation, no cast op. */
    private static INDArray array(double[] values, int rows, int columns, DataType dtype) {
        if (dtype == DataType.DOUBLE) {
            return Nd4j.create(values, new long[] {rows, columns}, DataType.DOUBLE);
        }
        if (dtype != DataType.FLOAT) {
            throw new IllegalArgumentException("batches are FLOAT or DOUBLE; got " + dtype);
        }
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return Nd4j.create(f, new long[] {rows, columns}, 'c');
    }

    /** Writes {@code context} (the last {@code context.length} columns) into every row; returns this. */
    public Batch setContext(double[] context) {
        int rows = size();
        int in = (int) x.columns();
        int from = in - context.length;
        checkContextWidth(context.length);
        if (x.dataType() == DataType.FLOAT) {
            FloatBuffer b = plain().data().asNioFloat();
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < context.length; j++) {
                    b.put(r * in + from + j, (float) context[j]);
                }
            }
        } else {
            DoubleBuffer b = plain().data().asNioDouble();
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < context.length; j++) {
                    b.put(r * in + from + j, context[j]);
                }
            }
        }
        return this;
    }

    /** Writes one context per row ({@code rows} is {@code size() x width}, row-major) into the last {@code width} columns. */
    public Batch setContextRows(double[] rows, int width) {
        int n = size();
        int in = (int) x.columns();
        int from = in - width;
        checkContextWidth(width);
        if (rows.length < n * width) {
            throw new IllegalArgumentException("expected " + n * width + " context values; got " + rows.length);
        }
        if (x.dataType() == DataType.FLOAT) {
            FloatBuffer b = plain().data().asNioFloat();
            for (int r = 0; r < n; r++) {
                for (int j = 0; j < width; j++) {
                    b.put(r * in + from + j, (float) rows[r * width + j]);
                }
            }
        } else {
            DoubleBuffer b = plain().data().asNioDouble();
            for (int r = 0; r < n; r++) {
                for (int j = 0; j < width; j++) {
                    b.put(r * in + from + j, rows[r * width + j]);
                }
            }
        }
        return this;
    }

    private void checkContextWidth(int width) {
        if (width < 0 || width > x.columns()) {
            throw new IllegalArgumentException("a context of " + width + " columns does not fit inputs of " + x.columns());
        }
    }

    private INDArray plain() {
        if (x.isView() || x.ordering() != 'c' || x.offset() != 0 || x.data().length() != x.length()) {
            throw new IllegalStateException("batch inputs must be a plain c-order array; got " + x.shapeInfoToString());
        }
        return x;
    }
}
