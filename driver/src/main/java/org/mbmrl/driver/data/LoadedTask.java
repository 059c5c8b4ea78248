package org.mbmrl.driver.data;

import java.io.Serializable;
import org.mbmrl.datasets.TaskTransitions;

/**
 * One task as built on an executor from its rows: its transitions, or the first problem
 * found in them. Cached in executor memory (deserialized), never shipped back whole.
 */
public final class LoadedTask implements Serializable {
    final long taskId;
    final transient TaskTransitions transitions;
    final String problem;

    LoadedTask(long taskId, TaskTransitions transitions, String problem) {
        this.taskId = taskId;
        this.transitions = transitions;
        this.problem = problem;
    }

    /** What the driver needs to validate the task: {taskId, rows, longestRun} and the problem. */
    TaskSummary summary() {
        return new TaskSummary(taskId, transitions == null ? 0 : transitions.size(),
                transitions == null ? 0 : transitions.longestRun(), problem);
    }

    /** A small, serializable digest of a loaded task (a plain class: Spark's Kryo 4 cannot build records). */
    public static final class TaskSummary implements Serializable {
        public long taskId;
        public int rows;
        public int longestRun;
        public String problem;

        public TaskSummary() {}

        TaskSummary(long taskId, int rows, int longestRun, String problem) {
            this.taskId = taskId;
            this.rows = rows;
            this.longestRun = longestRun;
            this.problem = problem;
        }
    }
}
