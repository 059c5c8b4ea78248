package org.mbmrl.workers.control;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.mbmrl.datasets.Seeds;

/**
 * What the sampling planners share: the buffers of N candidate sequences, the batched
 * rollout of all of them (one {@link BatchDynamics#step} per horizon step), the warm start
 * and its shift, and the seeded random numbers. Sequences are stored row-major as
 * {@code N x H x da}; the plan (warm start, CEM mean, MPPI nominal) as {@code H x da}.
 */
abstract class SamplingPlanner implements Planner {
    protected final PlannerSettings settings;
    protected final BatchDynamics dynamics;
    protected final int horizon;
    protected final int n;
    protected final int da;
    protected final double[] bound;
    /** The current plan, H x da: the warm start going in, the chosen sequence coming out. */
    protected final double[] plan;
    /** Candidate sequences, N x H x da. */
    protected final double[] sequences;
    /** Return of each candidate after {@link #evaluate}. */
    protected final double[] returns;

    private final int ds;
    private final double[] states;
    private final double[] actions;
    private final double[] rewards;

    SamplingPlanner(PlannerSettings settings, BatchDynamics dynamics) {
        this.settings = settings;
        this.dynamics = dynamics;
        this.horizon = settings.horizon();
        this.n = settings.candidates();
        this.da = dynamics.actionDim();
        this.ds = dynamics.stateDim();
        this.bound = dynamics.actionBound().clone();
        if (bound.length != da) {
            throw new IllegalArgumentException("action bound has " + bound.length + " components, actions " + da);
        }
        this.plan = new double[horizon * da];
        this.sequences = new double[n * horizon * da];
        this.returns = new double[n];
        this.states = new double[n * ds];
        this.actions = new double[n * da];
        this.rewards = new double[n];
    }

    @Override
    public final PlannerSettings settings() {
        return settings;
    }

    @Override
    public void reset() {
        Arrays.fill(plan, 0.0);
    }

    @Override
    public final double[] act(double[] state, int step) {
        if (state.length != ds) {
            throw new IllegalArgumentException("planning state must have " + ds + " numbers; got " + state.length);
        }
        optimize(state, step, new SplittableRandom(Seeds.derive(settings.seed(), step)));
        double[] first = new double[da];
        System.arraycopy(plan, 0, first, 0, da);
        if (settings.warmStart()) {
            // Warm start of the next step: the plan shifted by one, the last action in the middle of the bounds.
            System.arraycopy(plan, da, plan, 0, (horizon - 1) * da);
            Arrays.fill(plan, (horizon - 1) * da, horizon * da, 0.0);
        } else {
            Arrays.fill(plan, 0.0);
        }
        return first;
    }

    /** Searches from {@code state}, starting from the warm start in {@link #plan}; leaves the chosen sequence there. */
    protected abstract void optimize(double[] state, int step, SplittableRandom rng);

    /**
     * Rolls out all N candidate sequences from {@code state} and writes their returns
     * sum_h r(s_h, a_h, s_{h+1}) (eq. 16, undiscounted) into {@link #returns}: H batched
     * dynamics calls. A NaN return (a diverged model rollout) counts as minus infinity.
     */
    protected final void evaluate(double[] state, int step) {
        for (int i = 0; i < n; i++) {
            System.arraycopy(state, 0, states, i * ds, ds);
            returns[i] = 0;
        }
        for (int h = 0; h < horizon; h++) {
            for (int i = 0; i < n; i++) {
                System.arraycopy(sequences, (i * horizon + h) * da, actions, i * da, da);
            }
            dynamics.step(step + h, states, actions, n, rewards);
            for (int i = 0; i < n; i++) {
                returns[i] += rewards[i];
            }
        }
        for (int i = 0; i < n; i++) {
            if (Double.isNaN(returns[i])) {
                returns[i] = Double.NEGATIVE_INFINITY; // a diverged rollout is never chosen
            }
        }
    }

    /** Index of the highest return (the first one on ties). */
    protected final int best() {
        int b = 0;
        for (int i = 1; i < n; i++) {
            if (returns[i] > returns[b]) {
                b = i;
            }
        }
        return b;
    }

    /** {@code v} clipped to the bound of action component {@code j}. */
    protected final double clip(double v, int j) {
        return Math.max(-bound[j], Math.min(bound[j], v));
    }

    /** A standard normal number ({@link Seeds#gaussian}). */
    protected static double gaussian(SplittableRandom rng) {
        return Seeds.gaussian(rng);
    }
}
