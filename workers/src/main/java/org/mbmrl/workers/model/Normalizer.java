package org.mbmrl.workers.model;

import java.util.Arrays;
import org.mbmrl.datasets.TaskTransitions;

/**
 * Per-column affine normalization of model inputs (observation, action) and targets (state
 * change {@code s' - s}), fitted on the training split. It travels with every checkpoint,
 * because a model is meaningless without the units it was trained in.
 *
 * <p>This is the one place the units are converted: dataset rows and episode windows
 * ({@link Batch}, {@code RecentTransitions}) and planner rollouts ({@code ModelDynamics}) all
 * call the row methods below. A context input (a learned embedding or latent) has no units and
 * is appended unchanged. Float rows (as a dataset stores them) are normalized in float
 * arithmetic, double rows (a planner's states) in double.
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

    /** Normalized observation and action of one row into {@code dst[dstOffset ..]} (observation first). */
    public void normalizeInput(float[] obs, int obsOffset, float[] act, int actOffset, double[] dst, int dstOffset) {
        int ds = observationDim();
        int da = actionDim();
        for (int j = 0; j < ds; j++) {
            dst[dstOffset + j] = (obs[obsOffset + j] - inputMean[j]) / inputStd[j];
        }
        for (int j = 0; j < da; j++) {
            dst[dstOffset + ds + j] = (act[actOffset + j] - inputMean[ds + j]) / inputStd[ds + j];
        }
    }

    /** As {@link #normalizeInput(float[], int, float[], int, double[], int)} for double rows, in double. */
    public void normalizeInput(double[] obs, int obsOffset, double[] act, int actOffset, double[] dst, int dstOffset) {
        int ds = observationDim();
        int da = actionDim();
        for (int j = 0; j < ds; j++) {
            dst[dstOffset + j] = (obs[obsOffset + j] - inputMean[j]) / inputStd[j];
        }
        for (int j = 0; j < da; j++) {
            dst[dstOffset + ds + j] = (act[actOffset + j] - inputMean[ds + j]) / inputStd[ds + j];
        }
    }

    /** The normalized state change {@code (s' - s - mean) / std} of one row into {@code dst[dstOffset ..]}. */
    public void normalizeTarget(float[] obs, int obsOffset, float[] next, int nextOffset, double[] dst, int dstOffset) {
        for (int j = 0; j < targetMean.length; j++) {
            dst[dstOffset + j] = ((double) next[nextOffset + j] - obs[obsOffset + j] - targetMean[j]) / targetStd[j];
        }
    }

    /**
     * The inverse for a predicted change: {@code next = s + std * change + mean} for one row, with
     * {@code change} in normalized units.
     */
    public void nextObservation(double[] state, int stateOffset, double[] change, int changeOffset, double[] next,
            int nextOffset) {
        for (int j = 0; j < targetMean.length; j++) {
            next[nextOffset + j] = state[stateOffset + j] + change[changeOffset + j] * targetStd[j] + targetMean[j];
        }
    }

    /** A normalized state-change component {@code v} of dimension {@code j} in observation units (the std only). */
    public double changeScale(int j) {
        return targetStd[j];
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
