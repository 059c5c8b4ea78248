package org.mbmrl.datasets.family;

import java.util.List;
import java.util.SplittableRandom;
import org.mbmrl.datasets.Split;

/**
 * A family of tasks: one simulated robot whose dynamics parameters vary from task to task
 * (a payload, a damaged joint, a slope). A task is one parameter vector; the family says
 * how to sample it for each split and how to simulate it.
 */
public interface TaskFamily {

    /** The name used in configs and in the {@code family} column, e.g. {@code pendulum}. */
    String name();

    /** Length of an observation vector. */
    int observationDim();

    /** Length of an action vector. */
    int actionDim();

    /** Largest absolute value of each action component; actions are clipped to it. */
    double[] actionBound();

    /** Names of the dynamics parameters, in the order {@link #sampleParameters} returns them. */
    List<String> parameterNames();

    /**
     * Draws the dynamics parameters of one task of {@code split}: {@code train} and
     * {@code test} from the nominal range, {@code ood} from outside it.
     */
    double[] sampleParameters(Split split, SplittableRandom rng);

    /** A simulator with the given parameters (in {@link #parameterNames()} order). */
    Simulator simulator(double[] parameters);

    /**
     * The reward r(s, a, s') of {@code n} transitions at once, the same function the
     * simulator's {@link Simulator.Step#reward()} uses, computed from observations only so
     * that a planner can score transitions its model predicts. Arrays are row-major:
     * {@code observations} and {@code nextObservations} hold {@code n x observationDim()},
     * {@code actions} {@code n x actionDim()} (clipped to {@link #actionBound()} here);
     * {@code step} is the control step t of the transitions (for time-varying references).
     * Writes {@code out[0 .. n)}.
     */
    void rewards(int step, double[] observations, double[] actions, double[] nextObservations, int n, double[] out);

    /**
     * The parameters after this family's mid-episode change (a joint breaks, a payload is
     * attached): what {@link Simulator#setParameters} receives at the configured step.
     */
    double[] changedParameters(double[] parameters);

    /** The default length of a control episode, in steps. */
    int episodeLength();

    /**
     * The ranges {@link #sampleParameters} draws from and the size of the change
     * {@link #changedParameters} makes: {@link #defaultRanges()} unless this family was made by
     * {@link #withRanges}.
     */
    TaskRanges ranges();

    /** The family's own task distribution (what {@code generate} uses without {@code --tasks}). */
    TaskRanges defaultRanges();

    /**
     * This family drawing its tasks from {@code ranges}. A caller error (naming the section,
     * key, value and what is accepted) when a key is not the family's or a value is physically
     * meaningless (a negative mass, a gain outside [0, 1]).
     */
    TaskFamily withRanges(TaskRanges ranges);
}
