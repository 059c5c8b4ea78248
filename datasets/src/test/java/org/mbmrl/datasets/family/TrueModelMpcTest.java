package org.mbmrl.datasets.family;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mbmrl.datasets.Split;

/**
 * The tasks are solvable by short-horizon MPC: a small CEM planner (horizon 15, 200
 * candidates, 3 rounds, 20 elites) on the true dynamics reaches each family's goal within an
 * episode on a nominal task, and does far better than doing nothing. (Larger planners — 500 to
 * 1000 candidates, CEM or random shooting — also solve the ood tasks; see docs/families.md.)
 */
class TrueModelMpcTest {

    private record Episode(double[][] observations, double totalReward, boolean terminated) {}

    private static Episode run(TaskFamily f, double[] params, long seed, boolean plan) {
        Simulator sim = f.simulator(params);
        double[] obs = sim.reset(new SplittableRandom(seed));
        TrueModelPlanner planner = new TrueModelPlanner(f, 15, 200, 20, 3, seed);
        double[][] seen = new double[f.episodeLength() + 1][];
        seen[0] = obs;
        double total = 0;
        for (int t = 0; t < f.episodeLength(); t++) {
            double[] a = plan ? planner.act(sim) : new double[f.actionDim()];
            Simulator.Step step = sim.step(a);
            total += step.reward();
            seen[t + 1] = step.observation();
            if (step.terminated()) {
                return new Episode(java.util.Arrays.copyOf(seen, t + 2), total, true);
            }
        }
        return new Episode(seen, total, false);
    }

    private static double[] nominal(TaskFamily f) {
        return f.sampleParameters(Split.TRAIN, new SplittableRandom(7));
    }

    @Test
    void cartPoleSwingsUpAndBalances() {
        CartPole f = new CartPole();
        Episode mpc = run(f, nominal(f), 1, true);
        Episode idle = run(f, nominal(f), 1, false);
        assertFalse(mpc.terminated());
        double[][] o = mpc.observations();
        for (int t = o.length - 50; t < o.length; t++) {
            assertTrue(o[t][2] > 0.95, "pole not upright at step " + t + ": cos th = " + o[t][2]);
            assertTrue(Math.abs(o[t][0]) < CartPole.TRACK_LIMIT);
        }
        assertTrue(mpc.totalReward() > 0.5 * idle.totalReward(), mpc.totalReward() + " vs idle " + idle.totalReward());
    }

    @Test
    void quadrotorFollowsTheFigureEight() {
        QuadrotorPayload f = new QuadrotorPayload();
        Episode mpc = run(f, nominal(f), 2, true);
        Episode idle = run(f, nominal(f), 2, false);
        double[][] o = mpc.observations();
        double sum = 0;
        for (int t = 1; t < o.length; t++) {
            double[] ref = QuadrotorPayload.reference(t * QuadrotorPayload.DT);
            sum += Math.hypot(o[t][0] - ref[0], o[t][1] - ref[1]);
        }
        double meanError = sum / (o.length - 1);
        assertTrue(meanError < 0.1, "mean tracking error " + meanError + " m");
        assertTrue(mpc.totalReward() > 0.2 * idle.totalReward(), mpc.totalReward() + " vs idle " + idle.totalReward());
    }

    @Test
    void reacherReachesTheTarget() {
        ReacherDamage f = new ReacherDamage();
        Episode mpc = run(f, nominal(f), 3, true);
        Episode idle = run(f, nominal(f), 3, false);
        double[][] o = mpc.observations();
        // Within 12 cm, not on the target: with commands costing reward, a 15-step plan stops
        // where the last centimetres save less distance cost than the torque to cover them.
        for (int t = o.length - 20; t < o.length; t++) {
            double[] tip = ReacherDamage.fingertip(o[t], 0);
            double d = Math.hypot(tip[0] - ReacherDamage.TARGET.get(0), tip[1] - ReacherDamage.TARGET.get(1));
            assertTrue(d < 0.12, "fingertip " + d + " m from the target at step " + t);
        }
        assertTrue(mpc.totalReward() > 0.4 * idle.totalReward(), mpc.totalReward() + " vs idle " + idle.totalReward());
    }

    @Test
    void slopeRobotReachesTheGoalEvenUphillOnIce() {
        Slope f = new Slope();
        for (Split split : new Split[] {Split.TRAIN, Split.OOD}) {
            double[] p = f.sampleParameters(split, new SplittableRandom(7));
            Episode mpc = run(f, p, 4, true);
            double[][] o = mpc.observations();
            for (int t = o.length - 20; t < o.length; t++) {
                assertTrue(Math.abs(o[t][0] - Slope.GOAL) < 0.1, split.label() + " position " + o[t][0] + " at step " + t);
            }
            assertTrue(mpc.totalReward() > 0.3 * run(f, p, 4, false).totalReward());
        }
    }
}
