package org.mbmrl.workers.model;

import org.mbmrl.datasets.TaskTransitions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Model inputs {@code x} (normalized observation, action and the task's context) and targets
 * {@code y} (normalized state change) for a contiguous range of a task's transitions.
 */
public record Batch(INDArray x, INDArray y) {

    public int size() {
        return (int) x.rows();
    }

    /**
     * Rows {@code from .. from+count-1} of {@code task}, normalized; {@code context} (may be
     * empty) is appended to every input row.
     */
    public static Batch of(TaskTransitions task, int from, int count, Normalizer norm, float[] context, DataType dtype) {
        if (from < 0 || count < 1 || from + count > task.size()) {
            throw new IndexOutOfBoundsException("rows " + from + ".." + (from + count) + " of task " + task.taskId()
                    + " with " + task.size() + " rows");
        }
        int ds = task.observationDim();
        int da = task.actionDim();
        int dc = context.length;
        int in = ds + da + dc;
        double[] x = new double[count * in];
        double[] y = new double[count * ds];
        float[] obs = task.observation();
        float[] act = task.action();
        float[] next = task.nextObservation();
        float[] im = norm.inputMean();
        float[] is = norm.inputStd();
        float[] tm = norm.targetMean();
        float[] ts = norm.targetStd();
        for (int r = 0; r < count; r++) {
            int i = from + r;
            for (int j = 0; j < ds; j++) {
                x[r * in + j] = (obs[i * ds + j] - im[j]) / is[j];
                y[r * ds + j] = ((double) next[i * ds + j] - obs[i * ds + j] - tm[j]) / ts[j];
            }
            for (int j = 0; j < da; j++) {
                x[r * in + ds + j] = (act[i * da + j] - im[ds + j]) / is[ds + j];
            }
            for (int j = 0; j < dc; j++) {
                x[r * in + ds + da + j] = context[j];
            }
        }
        return new Batch(Nd4j.create(x, new long[] {count, in}, DataType.DOUBLE).castTo(dtype),
                Nd4j.create(y, new long[] {count, ds}, DataType.DOUBLE).castTo(dtype));
    }
}
