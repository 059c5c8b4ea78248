package org.mbmrl.driver.control;

import java.io.Serializable;

/**
 * The outcome of one control episode on one task with one method (a row of
 * {@code RUN/eval/control/}), as returned from an executor: a plain class with public
 * fields (Spark's Kryo cannot build records).
 */
public final class EpisodeOutcome implements Serializable {
    public long taskId;
    public String split;
    public String algorithm;
    public String adapter;
    public String method;
    public boolean changed;
    /** The step the task changed at; -1 without a change (or when the episode ended before it). */
    public int changeStep;
    public int episode;
    public double totalReturn;
    /** Steps to recover after the change ({@code ControlEpisode.recoverySteps}); -1 without a change. */
    public int recoverySteps;
    public boolean recovered;
    public int steps;
    public double adaptMs;
    public double planMs;
    /** Control steps whose adaptation the adapter's guard rejected (0 without the guard). */
    public int rejectedSteps;
    /** The reward of every step run ({@code steps} numbers; their sum is {@code totalReturn}). */
    public double[] rewards;

    public EpisodeOutcome() {}
}
