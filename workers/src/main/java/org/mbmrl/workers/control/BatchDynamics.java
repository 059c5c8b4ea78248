package org.mbmrl.workers.control;

/**
 * The dynamics a planner rolls out: advances {@code n} candidate planning states by one
 * control step in one batched call, and scores the {@code n} transitions with the task
 * family's reward r(s, a, s') ({@link org.mbmrl.datasets.family.TaskFamily#rewards}).
 *
 * <p>A planner calls {@link #step} once per horizon step for all its candidates, so one
 * horizon of {@code n} candidates is {@code H} calls, and one call is one model forward pass
 * of {@code n} rows ({@link ModelDynamics}) or {@code n} simulator steps ({@link TrueDynamics}).
 * The planning state is whatever the implementation rolls forward: the observation for a
 * learned model, the simulator's full state for the true dynamics. Termination is not
 * modelled: a rollout always runs the whole horizon.
 */
public interface BatchDynamics {

    /** Length of one planning state. */
    int stateDim();

    /** Length of one action. */
    int actionDim();

    /** Largest absolute value of each action component (the task family's bound). */
    double[] actionBound();

    /**
     * One step of {@code n} transitions. {@code states} holds {@code n x stateDim()} numbers
     * (row-major, possibly more rows after them, untouched) and is overwritten in place with
     * the next states; {@code actions} holds {@code n x actionDim()} actions inside the
     * bounds; {@code rewards[0 .. n)} receives r(s, a, s') of each transition. {@code step}
     * is the control step t of the transitions (the reward may depend on it).
     */
    void step(int step, double[] states, double[] actions, int n, double[] rewards);
}
