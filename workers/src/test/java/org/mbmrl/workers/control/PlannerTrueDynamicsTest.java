package org.mbmrl.workers.control;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.mbmrl.datasets.family.Pendulum;

/**
 * The planners on the pendulum's true dynamics at an equal budget of model evaluations:
 * swing-up from hanging at rest, 100 steps, horizon 20, 300 x 20 x 1 candidate-steps per
 * control step for random shooting and 100 x 20 x 3 for CEM and MPPI. Uniform random
 * sequences average their torques out and rarely pump enough energy; the refining planners
 * swing up and balance.
 */
class PlannerTrueDynamicsTest {
    private static final double[] PARAMS = {0.5, 0.8, 0.05}; // mass, length, damping
    private static final int STEPS = 100;

    /** Return of a swing-up episode from th = 0, th' = 0 and the final cos(th) (-1 = upright). */
    static double[] swingUp(PlannerSettings settings) {
        Pendulum family = new Pendulum();
        Planner planner = Planner.create(settings, new TrueDynamics(family, PARAMS));
        Pendulum.Sim sim = (Pendulum.Sim) family.simulator(PARAMS);
        sim.setState(0, 0);
        double ret = 0;
        for (int t = 0; t < STEPS; t++) {
            ret += sim.step(planner.act(sim.state(), t)).reward();
        }
        return new double[] {ret, Math.cos(sim.angle())};
    }

    @Test
    void cemAndMppiBeatRandomShootingAtEqualBudget() {
        PlannerSettings base = new PlannerSettings(PlannerSettings.Type.RANDOM, 20, 300, 1, 10, 0.3, 0.5, 42);
        PlannerSettings rs = base;
        PlannerSettings cem = base.withType(PlannerSettings.Type.CEM).withBudget(100, 3);
        PlannerSettings mppi = base.withType(PlannerSettings.Type.MPPI).withBudget(100, 3);
        assertTrue(rs.evaluationsPerStep() == cem.evaluationsPerStep() && cem.evaluationsPerStep() == mppi.evaluationsPerStep());

        double[] r = swingUp(rs);
        double[] c = swingUp(cem);
        double[] m = swingUp(mppi);
        System.out.printf("pendulum swing-up, %d candidate-steps per control step: return random %.1f, cem %.1f, mppi %.1f;"
                + " final cos(angle) %.3f, %.3f, %.3f%n", rs.evaluationsPerStep(), r[0], c[0], m[0], r[1], c[1], m[1]);
        double margin = 0.2 * Math.abs(r[0]);
        assertTrue(c[0] > r[0] + margin, "cem " + c[0] + " vs random " + r[0]);
        assertTrue(m[0] > r[0] + margin, "mppi " + m[0] + " vs random " + r[0]);
        assertTrue(c[1] < -0.95 && m[1] < -0.95, "cem and mppi end upright: cos " + c[1] + ", " + m[1]);
    }

    @Test
    void cemWarmStartAndMeanOfElitesAgainstTheirAlternatives() {
        PlannerSettings cem = new PlannerSettings(PlannerSettings.Type.CEM, 20, 100, 3, 10, 0.3, 0.5, 42);
        double[] both = swingUp(cem);
        double[] cold = swingUp(cem.withHygiene(false, PlannerSettings.CemOutput.MEAN));
        double[] best = swingUp(cem.withHygiene(true, PlannerSettings.CemOutput.BEST));
        double[] neither = swingUp(cem.withHygiene(false, PlannerSettings.CemOutput.BEST));
        System.out.printf("cem swing-up return: warm start + elite mean %.1f, cold start %.1f, best sample %.1f, cold + best"
                + " %.1f%n", both[0], cold[0], best[0], neither[0]);
        assertTrue(both[0] != cold[0] && both[0] != best[0], "the settings change the plan");
        assertTrue(both[0] > cold[0], "warm start " + both[0] + " vs cold " + cold[0]);
        assertTrue(both[0] > neither[0], "warm start + elite mean " + both[0] + " vs cold + best sample " + neither[0]);
    }
}
