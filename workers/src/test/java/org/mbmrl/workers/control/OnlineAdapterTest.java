package org.mbmrl.workers.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.mbmrl.datasets.TaskTransitions;
import org.mbmrl.workers.learn.Adaptation;
import org.mbmrl.workers.learn.InnerLoop;
import org.mbmrl.workers.model.Batch;
import org.mbmrl.workers.model.GaussianMlp;
import org.mbmrl.workers.model.Loss;
import org.mbmrl.workers.model.Normalizer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The online adapters and the recent-transitions window they train on. */
class OnlineAdapterTest {
    private static final int M = 16;
    private static final AdapterSettings SETTINGS = new AdapterSettings(3, 0.02, M, Loss.NLL);

    private final GaussianMlp model = Fixtures.smallModel();
    private final INDArray thetaStar = model.initialParameters(21);
    private final Normalizer norm = Fixtures.normalizer();
    // The pendulum with a payload: data the model at theta* does not fit.
    private final TaskTransitions episode = Fixtures.randomEpisode(new double[] {2.0, 1.0, 0.1}, 60, 8);

    private RecentTransitions window(int from, int count) {
        RecentTransitions r = new RecentTransitions(M, norm, 0, DataType.FLOAT);
        for (double[][] row : Fixtures.rows(episode, from, count)) {
            r.add(row[0], row[1], row[2]);
        }
        return r;
    }

    private static float[] values(INDArray a) {
        return a.dup().data().asFloat();
    }

    @Test
    void windowBatchEqualsBatchOfTheLastRows() {
        // 40 transitions through a window of 16: the batch is rows 24..39, oldest first, as Batch.of gives them.
        RecentTransitions r = window(0, 40);
        assertEquals(M, r.size());
        Batch expected = Batch.of(episode, 24, M, norm, 0, DataType.FLOAT);
        Batch got = r.batch();
        assertArrayEquals(values(expected.x()), values(got.x()));
        assertArrayEquals(values(expected.y()), values(got.y()));
        // Filling: fewer rows than M.
        Batch partial = window(0, 5).batch();
        assertArrayEquals(values(Batch.of(episode, 0, 5, norm, 0, DataType.FLOAT).x()), values(partial.x()));
        r.clear();
        assertEquals(0, r.size());
        assertThrows(IllegalStateException.class, r::batch);
    }

    @Test
    void noneReturnsThetaStarUnchanged() {
        float[] before = values(thetaStar);
        OnlineAdapter none = new NoAdapter(thetaStar);
        RecentTransitions r = window(0, 30);
        for (int t = 0; t < 3; t++) {
            assertSame(thetaStar, none.adapt(r.batch()).parameters());
        }
        assertArrayEquals(before, values(thetaStar));
    }

    @Test
    void gradientResetsToThetaStarEveryStepAndLowersTheWindowLoss() {
        float[] before = values(thetaStar);
        OnlineAdapter gradient = new GradientAdapter(model, thetaStar, SETTINGS);
        // One adapter sees the whole history, a step at a time; another only the final window.
        RecentTransitions r = new RecentTransitions(M, norm, 0, DataType.FLOAT);
        INDArray phiHistory = null;
        for (double[][] row : Fixtures.rows(episode, 0, 40)) {
            r.add(row[0], row[1], row[2]);
            phiHistory = gradient.adapt(r.batch()).parameters();
        }
        INDArray phiFresh = new GradientAdapter(model, thetaStar, SETTINGS).adapt(window(24, M).batch()).parameters();
        assertArrayEquals(values(phiFresh), values(phiHistory), "phi depends on the window only");
        Batch data = window(24, M).batch();
        INDArray reference = Adaptation.adapt(model, thetaStar, data, SETTINGS.steps(), SETTINGS.lr(), SETTINGS.loss());
        assertArrayEquals(values(reference), values(phiHistory), "k steps of eq. 3 from theta*");
        double lossBefore = model.loss(thetaStar, data.x(), data.y(), Loss.NLL);
        double lossAfter = model.loss(phiHistory, data.x(), data.y(), Loss.NLL);
        System.out.printf("gradient adapter: window NLL %.4f at theta*, %.4f after %d steps%n", lossBefore, lossAfter,
                SETTINGS.steps());
        assertTrue(lossAfter < lossBefore - 0.01, "loss " + lossBefore + " -> " + lossAfter);
        assertArrayEquals(before, values(thetaStar), "theta* unchanged");
    }

    @Test
    void finetuneAccumulatesUntilReset() {
        OnlineAdapter finetune = new FinetuneAdapter(model, thetaStar, SETTINGS);
        RecentTransitions r = window(10, M);
        Batch data = r.batch();
        float[] once = values(finetune.adapt(data).parameters());
        float[] twice = values(finetune.adapt(data).parameters());
        // Two control steps on the same window = 2k steps from theta*: the updates accumulate.
        assertArrayEquals(values(Adaptation.adapt(model, thetaStar, data, SETTINGS.steps(), SETTINGS.lr(), SETTINGS.loss())), once);
        assertArrayEquals(values(Adaptation.adapt(model, thetaStar, data, 2 * SETTINGS.steps(), SETTINGS.lr(), SETTINGS.loss())), twice);
        assertFalse(java.util.Arrays.equals(once, twice));
        // A gradient adapter on the same window twice gives the same phi both times.
        OnlineAdapter gradient = new GradientAdapter(model, thetaStar, SETTINGS);
        assertArrayEquals(values(gradient.adapt(data).parameters()), values(gradient.adapt(data).parameters()));
        // reset(): the next episode starts from theta*.
        finetune.reset();
        assertArrayEquals(values(thetaStar), values(finetune.adapt(null).parameters()));
    }

    @Test
    void theGuardRejectsAnAdaptationThatRaisesTheWindowLossAndBacksOff() {
        Batch data = window(24, M).batch();
        double atThetaStar = model.loss(thetaStar, data.x(), data.y(), Loss.NLL);
        // A step size far too large: k steps overshoot and the window's loss rises.
        AdapterSettings wild = new AdapterSettings(3, 5.0, M, Loss.NLL);
        INDArray overshoot = new GradientAdapter(model, thetaStar, wild).adapt(data).parameters();
        assertTrue(model.loss(overshoot, data.x(), data.y(), Loss.NLL) > atThetaStar, "the unguarded step overshoots");

        GradientAdapter guarded = new GradientAdapter(model, thetaStar, wild.withGuard(true, 0.1));
        assertArrayEquals(values(thetaStar), values(guarded.adapt(data).parameters()), "rejected: theta* instead");
        assertEquals(1, guarded.rejectedSteps());
        // Backed off to 0.5, then 0.05: the second step at 0.5 may still overshoot; by 0.05 it is accepted.
        int accepted = -1;
        for (int t = 1; t <= 3 && accepted < 0; t++) {
            INDArray phi = guarded.adapt(data).parameters();
            if (!java.util.Arrays.equals(values(phi), values(thetaStar))) {
                accepted = t;
                assertTrue(model.loss(phi, data.x(), data.y(), Loss.NLL) < atThetaStar, "an accepted step lowers the loss");
            }
        }
        assertTrue(accepted > 0, "a backed-off step is accepted");
        assertEquals(accepted, guarded.rejectedSteps());
        guarded.reset();
        assertEquals(0, guarded.rejectedSteps());

        // finetune, from theta* with the same overshooting steps: rejected, the previous parameters are kept.
        FinetuneAdapter finetune = new FinetuneAdapter(model, thetaStar, wild.withGuard(true, 0.5));
        assertArrayEquals(values(thetaStar), values(finetune.adapt(data).parameters()));
        assertEquals(1, finetune.rejectedSteps());
        // Without the guard nothing is ever rejected.
        GradientAdapter plain = new GradientAdapter(model, thetaStar, wild);
        plain.adapt(data);
        assertEquals(0, plain.rejectedSteps());
    }

    @Test
    void settingsAreValidatedWithTheirKeys() {
        PlannerModelTest.assertMessage(() -> new AdapterSettings(1, 0.1, 4, Loss.NLL, true, 1.0), "adapter.backoff", "1.0");
        PlannerModelTest.assertMessage(() -> new AdapterSettings(-1, 0.1, 4, Loss.NLL), "adapter.steps", "-1");
        PlannerModelTest.assertMessage(() -> new AdapterSettings(1, Double.POSITIVE_INFINITY, 4, Loss.NLL), "adapter.lr", "Infinity");
        PlannerModelTest.assertMessage(() -> new AdapterSettings(1, 0.1, 0, Loss.NLL), "adapter.window", "0");
        assertEquals(new AdapterSettings(2, 0.01, 32, Loss.MSE), AdapterSettings.of(new InnerLoop(32, 16, 2, 0.01, Loss.MSE)));
        assertEquals(new AdapterSettings(5, 0.01, 8, Loss.MSE), AdapterSettings.of(new InnerLoop(32, 16, 2, 0.01, Loss.MSE))
                .with(5, null, 8));
        // Adapters on the weights refuse a model with a context input.
        GaussianMlp withContext = new GaussianMlp(model.spec().withContextDim(2), DataType.FLOAT);
        PlannerModelTest.assertMessage(() -> new GradientAdapter(withContext, withContext.initialParameters(1), SETTINGS),
                "context", "context_dim 2");
    }
}
