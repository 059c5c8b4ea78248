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
}
