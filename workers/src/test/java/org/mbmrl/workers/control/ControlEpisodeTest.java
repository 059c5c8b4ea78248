package org.mbmrl.workers.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.mbmrl.datasets.TaskTransitions;
import org.mbmrl.datasets.family.Pendulum;
import org.mbmrl.workers.model.GaussianMlp;
import org.mbmrl.workers.model.Loss;
import org.mbmrl.workers.model.Normalizer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The control loop: the mid-episode change, the recovery measure, the recorded transitions. */
class ControlEpisodeTest {
    private static final Pendulum FAMILY = new Pendulum();
    private static final PlannerSettings SMALL = new PlannerSettings(PlannerSettings.Type.CEM, 8, 40, 2, 5, 1.0, 0.5, 3);

    private static ControlEpisode onModel(String adapterName) {
        GaussianMlp model = Fixtures.smallModel();
        INDArray theta = model.initialParameters(5);
        Normalizer norm = Fixtures.normalizer();
        AdapterSettings as = new AdapterSettings(1, 0.01, 8, Loss.NLL);
        OnlineAdapter adapter = switch (adapterName) {
            case NoAdapter.NAME -> new NoAdapter(theta);
            case FinetuneAdapter.NAME -> new FinetuneAdapter(model, theta, as);
            default -> new GradientAdapter(model, theta, as);
        };
        return ControlEpisode.onModel(FAMILY, new ModelDynamics(model, AdaptedModel.of(theta), norm, FAMILY), adapter,
                new RecentTransitions(as.window(), norm, 0, DataType.FLOAT), SMALL);
    }

    private static float[] row(float[] column, int width, int i) {
        return Arrays.copyOfRange(column, i * width, (i + 1) * width);
    }

    @Test
    void midEpisodeChangeIsAppliedAtTheChangeStep() {
        // The model-based controller with no adapter does not see the change, so it acts the same
        // in both runs up to and including the change step: any difference comes from the simulator.
        int c = 12;
        ControlEpisode episode = onModel("none");
        TaskTransitions unchanged = episode.run(1, 0, Fixtures.PARAMS, new ControlEpisode.Settings(20, -1, 77)).transitions();
        TaskTransitions changed = episode.run(1, 0, Fixtures.PARAMS, new ControlEpisode.Settings(20, c, 77)).transitions();
        for (int t = 0; t < c; t++) {
            assertArrayEquals(row(unchanged.nextObservation(), 3, t), row(changed.nextObservation(), 3, t), "step " + t);
        }
        assertArrayEquals(row(unchanged.observation(), 3, c), row(changed.observation(), 3, c), "same state at the change");
        assertArrayEquals(row(unchanged.action(), 1, c), row(changed.action(), 1, c), "same action at the change");
        for (int t = c; t < 20; t++) {
            assertFalse(Arrays.equals(row(unchanged.nextObservation(), 3, t), row(changed.nextObservation(), 3, t)),
                    "step " + t + " runs with the payload");
        }
    }

    @Test
    void recoveryStepsOnSyntheticRewards() {
        double[] r = new double[60];
        Arrays.fill(r, -1.0);
        Arrays.fill(r, 20, 35, -5.0); // drop for 15 steps after the change at 20
        // The first window wholly after the change at or above -1 is 35..44: 44 + 1 - 20 = 25 steps.
        assertEquals(25, ControlEpisode.recoverySteps(r, 20));
        assertTrue(ControlEpisode.recovered(r, 20));

        // The trailing mean, not every reward: 5 steps at -3 then 0 reach a mean of -0.9 at window 22..31.
        double[] m = new double[60];
        Arrays.fill(m, -1.0);
        Arrays.fill(m, 20, 25, -3.0);
        Arrays.fill(m, 25, 60, 0.0);
        assertEquals(12, ControlEpisode.recoverySteps(m, 20));

        // No drop: the first full window after the change already counts, 10 steps.
        double[] flat = new double[40];
        Arrays.fill(flat, -2.0);
        assertEquals(10, ControlEpisode.recoverySteps(flat, 15));

        // Never back: censored at the steps run after the change.
        double[] worse = r.clone();
        Arrays.fill(worse, 20, 60, -1.5);
        assertEquals(40, ControlEpisode.recoverySteps(worse, 20));
        assertFalse(ControlEpisode.recovered(worse, 20));

        // A change before 10 steps: the baseline is the mean of what came before (here -2 and -4: -3).
        double[] early = {-2, -4, -3, -3, -3, -3, -3, -3, -3, -3, -3, -3, -3};
        assertEquals(10, ControlEpisode.recoverySteps(early, 2));
        early[11] = -3.1;
        assertEquals(11, ControlEpisode.recoverySteps(early, 2));

        // No change, or no reward before it: undefined.
        assertEquals(-1, ControlEpisode.recoverySteps(r, -1));
        assertEquals(-1, ControlEpisode.recoverySteps(r, 0));
        assertFalse(ControlEpisode.recovered(r, -1));
    }

    @Test
    void recoveryAgainstAReferenceAsksOnlyForTheReferencesLevel() {
        // The change lowers what anyone can reach: -1 before, -2 after for the reference.
        double[] reference = new double[60];
        Arrays.fill(reference, -1.0);
        Arrays.fill(reference, 20, 60, -2.0);
        double[] slow = new double[60];
        Arrays.fill(slow, -1.0);
        Arrays.fill(slow, 20, 40, -6.0);
        Arrays.fill(slow, 40, 60, -2.0);
        // Never back to -1: censored at 40 by the own baseline; at the reference's -2 from window 40..49.
        assertEquals(40, ControlEpisode.recoverySteps(slow, 20));
        assertEquals(30, ControlEpisode.recoveryStepsAgainst(slow, 20, reference));
        assertTrue(ControlEpisode.recoveredAgainst(slow, 20, reference));
        // The reference never asks for more than the own baseline: a reference above it changes nothing.
        double[] better = new double[60];
        Arrays.fill(better, 0.0);
        double[] r = new double[60];
        Arrays.fill(r, -1.0);
        Arrays.fill(r, 20, 35, -5.0);
        assertEquals(ControlEpisode.recoverySteps(r, 20), ControlEpisode.recoveryStepsAgainst(r, 20, better));
        // A reference that ended early (it terminated): later windows use the baseline alone.
        double[] stays = slow.clone();
        Arrays.fill(stays, 40, 60, -1.5);
        assertEquals(40, ControlEpisode.recoveryStepsAgainst(stays, 20, Arrays.copyOf(reference, 30)));
        assertFalse(ControlEpisode.recoveredAgainst(stays, 20, Arrays.copyOf(reference, 30)));
        assertEquals(29, ControlEpisode.recoveryStepsAgainst(stays, 20, reference));
        assertEquals(-1, ControlEpisode.recoveryStepsAgainst(r, -1, reference));
    }

    @Test
    void recordedTransitionsMatchTheReturnedRewards() {
        ControlEpisode.Result res = onModel("gradient").run(9, 2, Fixtures.PARAMS, new ControlEpisode.Settings(30, 15, 5));
        TaskTransitions tr = res.transitions();
        assertEquals(30, res.steps());
        assertEquals(30, tr.size());
        assertEquals(9, tr.taskId());
        double sum = 0;
        for (int t = 0; t < res.steps(); t++) {
            assertEquals((float) res.rewards()[t], tr.reward()[t], 0.0f, "reward " + t);
            assertEquals(2, tr.episode()[t]);
            assertEquals(t, tr.step()[t]);
            assertEquals(t == 29, tr.truncated()[t]);
            if (t > 0) {
                assertArrayEquals(row(tr.nextObservation(), 3, t - 1), row(tr.observation(), 3, t), "continuity at " + t);
            }
            sum += res.rewards()[t];
        }
        assertEquals(sum, res.totalReturn(), 1e-12);
        // The family's batched reward on the recorded rows gives the same rewards (float rows, float tolerance).
        double[] obs = new double[tr.size() * 3];
        double[] act = new double[tr.size()];
        double[] next = new double[tr.size() * 3];
        for (int i = 0; i < obs.length; i++) {
            obs[i] = tr.observation()[i];
            next[i] = tr.nextObservation()[i];
        }
        for (int i = 0; i < act.length; i++) {
            act[i] = tr.action()[i];
        }
        double[] recomputed = new double[tr.size()];
        FAMILY.rewards(0, obs, act, next, tr.size(), recomputed);
        assertArrayEquals(res.rewards(), recomputed, 1e-4);
        assertEquals(15, res.changeStep());
        assertEquals(ControlEpisode.recoverySteps(res.rewards(), 15), res.recoverySteps());
        assertTrue(res.adaptMsPerStep() > 0 && res.planMsPerStep() > 0, res.toString());
    }

    @Test
    void trueDynamicsEpisodeSwingsUpAndPlansOnTheSimulatorState() {
        double[] params = {0.5, 0.8, 0.05};
        PlannerSettings mppi = new PlannerSettings(PlannerSettings.Type.MPPI, 20, 100, 3, 10, 0.3, 0.5, 42);
        ControlEpisode oracle = ControlEpisode.onTrueDynamics(FAMILY, new TrueDynamics(FAMILY, params), mppi);
        ControlEpisode.Result res = oracle.run(1, 0, params, new ControlEpisode.Settings(100, 60, 11));
        double tail = 0;
        for (int t = 90; t < 100; t++) {
            tail += res.rewards()[t];
        }
        System.out.printf("true-dynamics MPPI: return %.1f, last-10 mean reward %.3f, recovery %d steps (recovered %b),"
                + " plan %.2f ms/step%n", res.totalReturn(), tail / 10, res.recoverySteps(), res.recovered(), res.planMsPerStep());
        assertTrue(tail / 10 > -0.1, "balanced upright at the end, with the payload: " + tail / 10);
        assertEquals(0.0, res.adaptMsPerStep(), 0.01);
    }

    @Test
    void settingsValidation() {
        PlannerModelTest.assertMessage(() -> new ControlEpisode.Settings(0, -1, 0), "episode length", "0");
        PlannerModelTest.assertMessage(() -> new ControlEpisode.Settings(10, 10, 0), "change step", "10");
        PlannerModelTest.assertMessage(() -> new ControlEpisode.Settings(10, -2, 0), "change step", "-2");
        assertEquals(Pendulum.EPISODE_LENGTH, ControlEpisode.Settings.of(FAMILY, 1).length());
    }
}
