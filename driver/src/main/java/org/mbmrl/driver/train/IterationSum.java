package org.mbmrl.driver.train;

import java.io.Serializable;
import java.nio.FloatBuffer;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the executors return for one outer iteration: the {@link ExactSum} of the sampled tasks'
 * directions and metrics, plus each task's new per-task state row, kept apart (not summed) and
 * keyed by task id. Merging is order-independent (integer sums; a sorted map of disjoint keys),
 * so the driver applies the same update whatever the partitioning or the order partial results
 * arrive in.
 */
public final class IterationSum implements Serializable {
    private final ExactSum sum;
    private final TreeMap<Long, float[]> rows;

    public IterationSum() {
        this(new ExactSum(), new TreeMap<>());
    }

    private IterationSum(ExactSum sum, TreeMap<Long, float[]> rows) {
        this.sum = sum;
        this.rows = rows;
    }

    /** Adds task {@code taskId}'s direction ({@code head}, read in place) and metrics ({@code tail}), and keeps its row. */
    public IterationSum add(long taskId, FloatBuffer head, float[] tail, float[] row) {
        sum.add(taskId, head, tail);
        if (row.length > 0 && rows.put(taskId, row) != null) {
            throw new IllegalStateException("task " + taskId + " contributed twice to one iteration");
        }
        return this;
    }

    public IterationSum merge(IterationSum other) {
        sum.merge(other.sum);
        for (var e : other.rows.entrySet()) {
            if (rows.put(e.getKey(), e.getValue()) != null) {
                throw new IllegalStateException("task " + e.getKey() + " contributed twice to one iteration");
            }
        }
        return this;
    }

    public ExactSum sum() {
        return sum;
    }

    /** The new rows by task id, ascending. */
    public SortedMap<Long, float[]> rows() {
        return Collections.unmodifiableSortedMap(rows);
    }

    /** Rebuilds a result from its parts; for serializers only. */
    public static IterationSum restore(ExactSum sum, TreeMap<Long, float[]> rows) {
        return new IterationSum(sum, rows);
    }
}
