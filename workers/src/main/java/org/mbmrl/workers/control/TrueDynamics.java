package org.mbmrl.workers.control;

import java.util.ArrayList;
import java.util.List;
import org.mbmrl.datasets.family.Simulator;
import org.mbmrl.datasets.family.TaskFamily;

/**
 * The task's own simulator as the planner's dynamics, the upper reference "MPC on the true
 * dynamics": the planning state is the simulator's full {@link Simulator#state()}, candidate
 * {@code i} is rolled out on simulator {@code i} (set to the candidate's state, stepped, read
 * back), and the reward is the simulator's. {@link #setParameters} changes every simulator's
 * parameters (the oracle is told about a mid-episode change). Simulators are created when
 * first needed and reused. Plain Java, a few small arrays per candidate step: a reference,
 * not a benchmark. Not thread-safe.
 */
public final class TrueDynamics implements BatchDynamics {
    private final TaskFamily family;
    private final List<Simulator> sims = new ArrayList<>();
    private final int stateDim;
    private final int da;
    private final double[] row;
    private final double[] action;
    private double[] params;

    public TrueDynamics(TaskFamily family, double[] params) {
        this.family = family;
        this.params = params.clone();
        Simulator first = family.simulator(this.params);
        sims.add(first);
        this.stateDim = first.state().length;
        this.da = family.actionDim();
        this.row = new double[stateDim];
        this.action = new double[da];
    }

    /** Changes the dynamics parameters of every simulator (and of those created later). */
    public void setParameters(double[] params) {
        this.params = params.clone();
        for (Simulator s : sims) {
            s.setParameters(this.params);
        }
    }

    public double[] parameters() {
        return params.clone();
    }

    @Override
    public int stateDim() {
        return stateDim;
    }

    @Override
    public int actionDim() {
        return da;
    }

    @Override
    public double[] actionBound() {
        return family.actionBound();
    }

    @Override
    public void step(int step, double[] states, double[] actions, int n, double[] rewards) {
        while (sims.size() < n) {
            sims.add(family.simulator(params));
        }
        for (int i = 0; i < n; i++) {
            Simulator sim = sims.get(i);
            System.arraycopy(states, i * stateDim, row, 0, stateDim);
            System.arraycopy(actions, i * da, action, 0, da);
            sim.setState(row);
            rewards[i] = sim.step(action).reward();
            System.arraycopy(sim.state(), 0, states, i * stateDim, stateDim);
        }
    }
}
