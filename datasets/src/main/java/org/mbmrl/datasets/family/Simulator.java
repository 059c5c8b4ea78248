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

    /** The current observation (what {@link #reset} and {@link Step} return). */
    double[] observation();

    /**
     * The full simulator state, which may hold more than the observation (a partly observed
     * payload). With {@link #setState} it lets a planner roll out the true dynamics.
     */
    double[] state();

    /** Sets the full state, as returned by {@link #state()}. */
    void setState(double[] state);

    /** Changes the dynamics parameters in place, keeping the state (a mid-episode change). */
    void setParameters(double[] parameters);

    /** The outcome of one control step. */
    record Step(double[] observation, double reward, boolean terminated) {}
}
