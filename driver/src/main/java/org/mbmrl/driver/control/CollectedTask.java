package org.mbmrl.driver.control;

import java.io.Serializable;
import org.mbmrl.datasets.TaskTransitions;

/**
 * One task's collected on-policy episodes, kept in executor memory between writing them and
 * summarizing them: the transitions (rows of the new episodes, episode-major), the return of
 * each episode, and the first problem with their values (null if none). A plain class.
 */
public final class CollectedTask implements Serializable {
    public long taskId;
    public transient TaskTransitions transitions;
    public double[] returns;
    public int rows;
    public String problem;

    public CollectedTask() {}

    /** The summary shipped to the driver (no transitions). */
    public CollectedTask summary() {
        CollectedTask s = new CollectedTask();
        s.taskId = taskId;
        s.returns = returns;
        s.rows = rows;
        s.problem = problem;
        return s;
    }
}
