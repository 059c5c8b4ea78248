package org.mbmrl.driver.control;

import java.io.Serializable;
import org.mbmrl.workers.algorithms.TaskStateTable;

/**
 * A run's per-task state as it travels to executors in a broadcast: plain arrays in a class
 * with public fields (Spark's Kryo builds neither records nor classes without a no-argument
 * constructor reliably), turned back into a {@link TaskStateTable} where it is used.
 */
public final class TaskStateShare implements Serializable {
    public long[] taskIds;
    public int width;
    public float[] rows;

    public TaskStateShare() {}

    public static TaskStateShare of(TaskStateTable table) {
        TaskStateShare s = new TaskStateShare();
        s.taskIds = table.taskIds();
        s.width = table.width();
        s.rows = table.rows();
        return s;
    }

    public TaskStateTable table() {
        return TaskStateTable.of(taskIds, width, rows);
    }
}
