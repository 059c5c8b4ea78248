package org.mbmrl.workers.model;

import java.util.Arrays;
import org.mbmrl.datasets.TaskTransitions;

/**
 * Per-column affine normalization of model inputs (observation, action) and targets (state
 * change {@code s' - s}), fitted on the training split. It travels with every checkpoint,
 * because a model is meaningless without the units it was trained in.
 */
public record Normalizer(float[] inputMean, float[] inputStd, float[] targetMean, float[] targetStd) implements java.io.Serializable {
    /** Smallest standard deviation used, so a constant column does not divide by zero. */
    public static final float MIN_STD = 1e-4f;

    public Normalizer {
        if (inputMean.length != inputStd.length || targetMean.length != targetStd.length) {
            throw new IllegalArgumentException("normalizer mean and std lengths differ: input " + inputMean.length + "/"
                    + inputStd.length + ", target " + targetMean.length + "/" + targetStd.length);
        }
        for (float s : inputStd) {
            checkStd(s);
        }
        for (float s : targetStd) {
            checkStd(s);
        }
    }

    private static void checkStd(float s) {
        if (!(s >= MIN_STD) || !Float.isFinite(s)) {
            throw new IllegalArgumentException("normalizer std must be finite and >= " + MIN_STD + "; got " + s);
        }
    }

    public int observationDim() {
        return targetMean.length;
    }

    public int actionDim() {
        return inputMean.length - targetMean.length;
    }

    /**
     * Running sums for fitting a normalizer: count, sum and sum of squares per column, in
     * double. Combine per-task statistics in task-id order to get the same bits whatever
     * the partitioning.
     */
    public static final class Statistics {
        private long count;
        private final double[] sum;
        private final double[] sumSq;
        private final int inputs;

        public Statistics(int observationDim, int actionDim) {
            this.inputs = observationDim + actionDim;
            this.sum = new double[inputs + observationDim];
            this.sumSq = new double[inputs + observationDim];
        }

        /** Statistics of every transition of {@code task}. */
        public static Statistics of(TaskTransitions task) {
            int ds = task.observationDim();
            int da = task.actionDim();
            Statistics s = new Statistics(ds, da);
            float[] obs = task.observation();
            float[] act = task.action();
            float[] next = task.nextObservation();
            for (int i = 0; i < task.size(); i++) {
                for (int j = 0; j < ds; j++) {
                    s.add(j, obs[i * ds + j]);
                    s.add(ds + da + j, (double) next[i * ds + j] - obs[i * ds + j]);
                }
                for (int j = 0; j < da; j++) {
                    s.add(ds + j, act[i * da + j]);
                }
            }
            s.count = task.size();
            return s;
        }

        private void add(int column, double v) {
            sum[column] += v;
            sumSq[column] += v * v;
        }

        /** Adds {@code other} into this; the caller fixes the order. */
        public Statistics merge(Statistics other) {
            if (other.sum.length != sum.length) {
                throw new IllegalArgumentException("cannot merge statistics of " + other.sum.length + " and " + sum.length + " columns");
            }
            count += other.count;
            for (int i = 0; i < sum.length; i++) {
                sum[i] += other.sum[i];
                sumSq[i] += other.sumSq[i];
            }
            return this;
        }

        public long count() {
            return count;
        }

        public Normalizer toNormalizer() {
            if (count < 2) {
                throw new IllegalArgumentException("need at least 2 transitions to fit a normalizer; got " + count);
            }
            float[] mean = new float[sum.length];
            float[] std = new float[sum.length];
            for (int i = 0; i < sum.length; i++) {
                double m = sum[i] / count;
                double var = Math.max(0, sumSq[i] / count - m * m);
                mean[i] = (float) m;
                std[i] = (float) Math.max(MIN_STD, Math.sqrt(var));
            }
            return new Normalizer(Arrays.copyOfRange(mean, 0, inputs), Arrays.copyOfRange(std, 0, inputs),
                    Arrays.copyOfRange(mean, inputs, sum.length), Arrays.copyOfRange(std, inputs, sum.length));
        }
    }
}
