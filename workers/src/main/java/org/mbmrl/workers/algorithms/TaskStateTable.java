package org.mbmrl.workers.algorithms;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Per-task state: one float row per training task (FAMLE's embedding h_i, VI's mean and
 * log-variance of q(z_i)), held by the driver and saved in every checkpoint. Rows are kept in
 * task-id order; {@link #set} replaces a task's row, so applying a meta-batch's rows gives the
 * same table whatever order they arrive in. Width 0 (an algorithm without state) holds no
 * numbers. Not thread-safe.
 */
public final class TaskStateTable implements Serializable {
    private final long[] taskIds;
    private final int width;
    private final float[] rows;

    /** A table over {@code taskIds} (distinct, any order) of {@code width} numbers per task, all zero. */
    public TaskStateTable(long[] taskIds, int width) {
        this(sortedDistinct(taskIds), width, new float[Math.multiplyExact(taskIds.length, width)]);
    }

    private TaskStateTable(long[] sortedIds, int width, float[] rows) {
        if (width < 0) {
            throw new IllegalArgumentException("task state width must be >= 0; got " + width);
        }
        this.taskIds = sortedIds;
        this.width = width;
        this.rows = rows;
    }

    /**
     * The table saved as {@code ids} (one per row) and {@code rows} ({@code ids.length x width},
     * row-major); checked: ids sorted and distinct, sizes consistent.
     */
    public static TaskStateTable of(long[] ids, int width, float[] rows) {
        if (width < 0 || rows.length != (long) ids.length * width) {
            throw new IllegalArgumentException("task state of " + ids.length + " tasks x " + width + " needs "
                    + (long) ids.length * width + " numbers; got " + rows.length);
        }
        for (int i = 1; i < ids.length; i++) {
            if (ids[i] <= ids[i - 1]) {
                throw new IllegalArgumentException("task state task ids must be sorted and distinct; " + ids[i - 1]
                        + " is followed by " + ids[i]);
            }
        }
        return new TaskStateTable(ids.clone(), width, rows.clone());
    }

    private static long[] sortedDistinct(long[] ids) {
        long[] s = ids.clone();
        Arrays.sort(s);
        for (int i = 1; i < s.length; i++) {
            if (s[i] == s[i - 1]) {
                throw new IllegalArgumentException("task " + s[i] + " appears twice in the task state");
            }
        }
        return s;
    }

    public int width() {
        return width;
    }

    public int size() {
        return taskIds.length;
    }

    /** Task ids, ascending (a copy). */
    public long[] taskIds() {
        return taskIds.clone();
    }

    /** All rows, row-major in task-id order (a copy). */
    public float[] rows() {
        return rows.clone();
    }

    public boolean contains(long taskId) {
        return Arrays.binarySearch(taskIds, taskId) >= 0;
    }

    /** A copy of the row of {@code taskId}. */
    public float[] row(long taskId) {
        int i = index(taskId);
        return Arrays.copyOfRange(rows, i * width, (i + 1) * width);
    }

    /** Row {@code i} (task-id order) as doubles. */
    public double[] rowAt(int i) {
        double[] r = new double[width];
        for (int j = 0; j < width; j++) {
            r[j] = rows[i * width + j];
        }
        return r;
    }

    /** Replaces the row of {@code taskId}. */
    public void set(long taskId, float[] row) {
        if (row.length != width) {
            throw new IllegalArgumentException("task " + taskId + ": a task state row has " + width + " numbers; got "
                    + row.length);
        }
        for (float v : row) {
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("task " + taskId + ": task state row holds " + v
                        + " (training diverged; lower the algorithm's step sizes)");
            }
        }
        System.arraycopy(row, 0, rows, index(taskId) * width, width);
    }

    /** The rows of {@code ids} (sorted), concatenated: what travels with theta to the executors. */
    public float[] rowsOf(long[] ids) {
        if (width == 0) {
            return new float[0];
        }
        float[] out = new float[ids.length * width];
        for (int k = 0; k < ids.length; k++) {
            System.arraycopy(rows, index(ids[k]) * width, out, k * width, width);
        }
        return out;
    }

    private int index(long taskId) {
        int i = Arrays.binarySearch(taskIds, taskId);
        if (i < 0) {
            throw new IllegalArgumentException("task " + taskId + " has no task state row (training tasks: " + taskIds.length
                    + ")");
        }
        return i;
    }
}
