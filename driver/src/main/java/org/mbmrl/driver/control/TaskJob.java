package org.mbmrl.driver.control;

import java.io.Serializable;

/**
 * One task's control work as shipped to an executor: its id, split label, dynamics
 * parameters (in the family's order) and the first episode number to use. A plain class with
 * public fields (Spark's Kryo cannot build records).
 */
public final class TaskJob implements Serializable {
    public long taskId;
    public String split;
    public double[] parameters;
    public int firstEpisode;

    public TaskJob() {}

    public TaskJob(long taskId, String split, double[] parameters, int firstEpisode) {
        this.taskId = taskId;
        this.split = split;
        this.parameters = parameters;
        this.firstEpisode = firstEpisode;
    }
}
