package org.mbmrl.workers.control;

/**
 * An MPC planner (survey eq. 16): at control step t, from the current planning state, it
 * searches action sequences of {@code horizon} steps for the highest predicted return
 * sum_h r(s_h, a_h, f(s_h, a_h)) under its {@link BatchDynamics} and returns the first action
 * of the sequence it settles on. It keeps that sequence, shifted by one step, as the warm
 * start of the next control step; {@link #reset()} forgets it (start of an episode).
 *
 * <p>The result is a pure function of (settings, state, step, warm start, dynamics): all
 * randomness of step t comes from {@code SplittableRandom(Seeds.derive(seed, t))}.
 */
public interface Planner {

    /** The action (inside the bounds) to apply at control step {@code step} from {@code state}. */
    double[] act(double[] state, int step);

    /** Forgets the warm start: the next plan starts from the middle of the action bounds. */
    void reset();

    PlannerSettings settings();

    /** A planner of {@code settings.type()} on {@code dynamics}. */
    static Planner create(PlannerSettings settings, BatchDynamics dynamics) {
        return switch (settings.type()) {
            case RANDOM -> new RandomShooting(settings, dynamics);
            case CEM -> new Cem(settings, dynamics);
            case MPPI -> new Mppi(settings, dynamics);
        };
    }
}
