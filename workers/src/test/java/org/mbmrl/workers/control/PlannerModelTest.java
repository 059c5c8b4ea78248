package org.mbmrl.workers.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mbmrl.datasets.family.Pendulum;
import org.mbmrl.workers.model.GaussianMlp;
import org.mbmrl.workers.model.Normalizer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Planners on a learned model: batching, reproducibility, settings validation; the model dynamics' arithmetic. */
class PlannerModelTest {

    /** Counts the batched calls and their sizes. */
    static final class CountingDynamics implements BatchDynamics {
        final BatchDynamics inner;
        final List<Integer> sizes = new ArrayList<>();

        CountingDynamics(BatchDynamics inner) {
            this.inner = inner;
        }

        @Override
        public int stateDim() {
            return inner.stateDim();
        }

        @Override
        public int actionDim() {
            return inner.actionDim();
        }

        @Override
        public double[] actionBound() {
            return inner.actionBound();
        }

        @Override
        public void step(int step, double[] states, double[] actions, int n, double[] rewards) {
            sizes.add(n);
            inner.step(step, states, actions, n, rewards);
        }
    }

    private static ModelDynamics modelDynamics() {
        GaussianMlp model = Fixtures.smallModel();
        return new ModelDynamics(model, AdaptedModel.of(model.initialParameters(5)), Fixtures.normalizer(), new Pendulum());
    }

    private static final double[] OBS = {Math.cos(0.4), Math.sin(0.4), -0.3};

    @ParameterizedTest
    @EnumSource(PlannerSettings.Type.class)
    void oneBatchedCallPerHorizonStep(PlannerSettings.Type type) {
        CountingDynamics counting = new CountingDynamics(modelDynamics());
        PlannerSettings s = new PlannerSettings(type, 7, 64, 3, 8, 1.0, 0.5, 9);
        Planner p = Planner.create(s, counting);
        double[] a = p.act(OBS, 0);
        assertEquals(s.horizon() * s.iterations(), counting.sizes.size(), "calls per control step");
        for (int n : counting.sizes) {
            assertEquals(s.candidates(), n, "candidates per call");
        }
        assertEquals(s.evaluationsPerStep(), counting.sizes.stream().mapToLong(Integer::longValue).sum());
        assertEquals(1, a.length);
        assertTrue(Math.abs(a[0]) <= Pendulum.MAX_TORQUE, "action " + a[0] + " within the bound");
    }

    @ParameterizedTest
    @EnumSource(PlannerSettings.Type.class)
    void sameSeedSameActionsBitForBit(PlannerSettings.Type type) {
        ModelDynamics dynamics = modelDynamics();
        PlannerSettings s = new PlannerSettings(type, 10, 50, 2, 5, 0.5, 0.5, 123);
        Planner p1 = Planner.create(s, dynamics);
        Planner p2 = Planner.create(s, dynamics);
        double[] first1 = p1.act(OBS, 3);
        double[] second1 = p1.act(OBS, 4);
        double[] first2 = p2.act(OBS, 3);
        double[] second2 = p2.act(OBS, 4);
        assertArrayEquals(first1, first2, 0.0);
        assertArrayEquals(second1, second2, 0.0);
        // reset() forgets the warm start: the same step from the same state gives the first action again.
        p1.reset();
        assertArrayEquals(first1, p1.act(OBS, 3), 0.0);
        // The check can fail: another seed draws other candidates.
        double[] other = Planner.create(s.withSeed(124), dynamics).act(OBS, 3);
        assertFalse(Arrays.equals(first1, other), "seed 124 gave the same action as seed 123: " + other[0]);
    }

    @Test
    void modelDynamicsStepsByThePredictedNormalizedChange() {
        GaussianMlp model = Fixtures.smallModel();
        INDArray theta = model.initialParameters(5);
        Normalizer norm = Fixtures.normalizer();
        Pendulum family = new Pendulum();
        ModelDynamics d = new ModelDynamics(model, AdaptedModel.of(theta), norm, family);
        double[] states = {1, 0, 0.5, Math.cos(2.0), Math.sin(2.0), -1.0};
        double[] before = states.clone();
        double[] actions = {0.7, -1.5};
        double[] rewards = new double[2];
        d.step(4, states, actions, 2, rewards);

        float[] im = norm.inputMean();
        float[] is = norm.inputStd();
        double[] x = new double[8];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                x[i * 4 + j] = (before[i * 3 + j] - im[j]) / is[j];
            }
            x[i * 4 + 3] = (actions[i] - im[3]) / is[3];
        }
        INDArray mu = model.predict(theta, Nd4j.create(x, new long[] {2, 4}, DataType.DOUBLE).castTo(DataType.FLOAT)).mean();
        double[] expectedRewards = new double[2];
        double[] expected = new double[6];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                expected[i * 3 + j] = before[i * 3 + j] + mu.getDouble(i, j) * norm.targetStd()[j] + norm.targetMean()[j];
            }
        }
        family.rewards(4, before, actions, expected, 2, expectedRewards);
        assertArrayEquals(expected, states, 1e-12);
        assertArrayEquals(expectedRewards, rewards, 1e-12);
        assertFalse(Arrays.equals(before, states));
    }

    @Test
    void settingsValidationNamesTheSettingAndValue() {
        PlannerSettings.Type cem = PlannerSettings.Type.CEM;
        assertMessage(() -> new PlannerSettings(cem, 0, 10, 1, 2, 1, 0.5, 0), "planner.horizon", "0");
        assertMessage(() -> new PlannerSettings(cem, 5, 1, 1, 1, 1, 0.5, 0), "planner.candidates", "1");
        assertMessage(() -> new PlannerSettings(cem, 5, 10, 0, 2, 1, 0.5, 0), "planner.iterations", "0");
        assertMessage(() -> new PlannerSettings(cem, 5, 10, 1, 11, 1, 0.5, 0), "planner.elites", "11");
        assertMessage(() -> new PlannerSettings(cem, 5, 10, 1, 0, 1, 0.5, 0), "planner.elites", "0");
        assertMessage(() -> new PlannerSettings(cem, 5, 10, 1, 2, 0, 0.5, 0), "planner.temperature", "0.0");
        assertMessage(() -> new PlannerSettings(cem, 5, 10, 1, 2, Double.NaN, 0.5, 0), "planner.temperature", "NaN");
        assertMessage(() -> new PlannerSettings(cem, 5, 10, 1, 2, 1, -0.1, 0), "planner.noise_std", "-0.1");
        assertMessage(() -> PlannerSettings.Type.parse("ilqr"), "planner.type", "ilqr");
        assertEquals(PlannerSettings.Type.MPPI, PlannerSettings.Type.parse("mppi"));
        assertEquals(1000L * 15 * 2, new PlannerSettings(cem, 15, 1000, 2, 100, 1, 0.5, 0).evaluationsPerStep());
    }

    static void assertMessage(org.junit.jupiter.api.function.Executable e, String setting, String value) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        assertTrue(ex.getMessage().contains(setting) && ex.getMessage().contains("got " + value), ex.getMessage());
    }
}
