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
        if (sums == null) {
            sums = new long[contribution.length];
        } else if (sums.length != contribution.length) {
            throw new IllegalStateException("contribution of task " + taskId + " has length " + contribution.length
                    + ", expected " + sums.length);
        }
        for (int i = 0; i < contribution.length; i++) {
            float v = contribution[i];
            if (!(Math.abs(v) < LIMIT)) {
                throw new ContributionOutOfRange("task " + taskId + " contributed " + v + " at index " + i
                        + " (finite values below " + LIMIT + " expected): training diverged; lower train.lr or adapt.lr");
            }
            sums[i] = Math.addExact(sums[i], Math.round(v * SCALE));
        }
        count++;
        return this;
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
