package org.mbmrl.datasets.family;

import java.util.SplittableRandom;

/** One task's dynamics: a seeded reset and a deterministic step. Not thread-safe. */
public interface Simulator {

    /** Starts an episode from a random initial state; returns the first observation. */
    double[] reset(SplittableRandom rng);

    /**
     * Applies {@code action} (clipped to the family's bound) for one control period and
     * returns the next observation, the reward r(s, a, s') and whether the episode ended.
     */
    Step step(double[] action);

    /** The outcome of one control step. */
    record Step(double[] observation, double reward, boolean terminated) {}
}
