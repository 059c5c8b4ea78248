package org.mbmrl.driver.train;

import java.io.Serializable;

/**
 * Sums per-task contribution vectors exactly, in 64-bit fixed point with
 * {@value #FRACTION_BITS} fraction bits, so the total does not depend on the order in which
 * Spark merges partial results (float addition is not associative; integer addition is).
 * That makes an outer step bitwise identical on {@code local[1]}, {@code local[2]}, a
 * cluster, or after a task retry.
 *
 * <p>Each float is scaled by 2^40 (exact) and rounded once to the nearest integer: values of
 * magnitude 2^-17 or more keep every bit; smaller ones are rounded to 2^-40 (about 1e-12).
 * A component beyond {@value #LIMIT} (training has diverged) or a non-finite one is an
 * error naming the task, never a silent wrap-around.
 */
public final class ExactSum implements Serializable {
    public static final int FRACTION_BITS = 40;
    public static final double LIMIT = 4194304.0; // 2^22: one term stays below 2^62
    private static final double SCALE = 0x1p40;

    private long[] sums;
    private int count;

    /** An empty sum; the vector length is fixed by the first added contribution. */
    public ExactSum() {}

    public ExactSum add(long taskId, float[] contribution) {
        return add(taskId, java.nio.FloatBuffer.wrap(contribution), new float[0]);
    }

    /**
     * Adds the vector {@code head} (all its remaining floats, read in place: no copy of a
     * parameter-sized array) followed by {@code tail}.
     */
    public ExactSum add(long taskId, java.nio.FloatBuffer head, float[] tail) {
        int n = head.remaining();
        int length = n + tail.length;
        if (sums == null) {
            sums = new long[length];
        } else if (sums.length != length) {
            throw new IllegalStateException("contribution of task " + taskId + " has length " + length
                    + ", expected " + sums.length);
        }
        int base = head.position();
        for (int i = 0; i < n; i++) {
            accumulate(taskId, i, head.get(base + i));
        }
        for (int i = 0; i < tail.length; i++) {
            accumulate(taskId, n + i, tail[i]);
        }
        count++;
        return this;
    }

    private void accumulate(long taskId, int i, float v) {
        if (!(Math.abs(v) < LIMIT)) {
            throw new ContributionOutOfRange("task " + taskId + " contributed " + v + " at index " + i
                    + " (finite values below " + LIMIT + " expected): training diverged; lower train.lr or adapt.lr");
        }
        // v * 2^40 is exact; rint (an intrinsic) rounds it once, to nearest even.
        sums[i] = Math.addExact(sums[i], (long) Math.rint(v * SCALE));
    }

    public ExactSum merge(ExactSum other) {
        if (other.sums == null) {
            return this;
        }
        if (sums == null) {
            sums = other.sums.clone();
            count = other.count;
            return this;
        }
        if (sums.length != other.sums.length) {
            throw new IllegalStateException("cannot merge sums of length " + sums.length + " and " + other.sums.length);
        }
        for (int i = 0; i < sums.length; i++) {
            sums[i] = Math.addExact(sums[i], other.sums[i]);
        }
        count += other.count;
        return this;
    }

    /** The raw fixed-point sums (null while empty); for serializers only. */
    public long[] sums() {
        return sums;
    }

    /** Rebuilds a sum from {@link #sums()} and {@link #count()}; for serializers only. */
    public static ExactSum restore(long[] sums, int count) {
        ExactSum s = new ExactSum();
        s.sums = sums;
        s.count = count;
        return s;
    }

    /** Number of contributions added. */
    public int count() {
        return count;
    }

    /** Component-wise mean of the contributions. */
    public double[] mean() {
        if (count == 0) {
            throw new IllegalStateException("mean of an empty sum");
        }
        double[] m = new double[sums.length];
        for (int i = 0; i < m.length; i++) {
            m[i] = sums[i] / SCALE / count;
        }
        return m;
    }

    /** Thrown on an executor when a contribution cannot be summed exactly. */
    public static final class ContributionOutOfRange extends IllegalArgumentException {
        public ContributionOutOfRange(String message) {
            super(message);
        }
    }
}
