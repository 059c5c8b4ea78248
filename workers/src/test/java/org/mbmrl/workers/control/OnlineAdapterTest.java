package org.mbmrl.workers.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
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
        RecentTransitions r = new RecentTransitions(M, norm, DataType.FLOAT);
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
        Batch expected = Batch.of(episode, 24, M, norm, new float[0], DataType.FLOAT);
        Batch got = r.batch();
        assertArrayEquals(values(expected.x()), values(got.x()));
        assertArrayEquals(values(expected.y()), values(got.y()));
        // Filling: fewer rows than M.
        Batch partial = window(0, 5).batch();
        assertArrayEquals(values(Batch.of(episode, 0, 5, norm, new float[0], DataType.FLOAT).x()), values(partial.x()));
        r.clear();
        assertEquals(0, r.size());
        assertThrows(IllegalStateException.class, r::batch);
    }

    @Test
    void noneReturnsThetaStarUnchanged() {
        float[] before = values(thetaStar);
        OnlineAdapter none = OnlineAdapter.create("none", model, thetaStar, SETTINGS);
        RecentTransitions r = window(0, 30);
        for (int t = 0; t < 3; t++) {
            assertSame(thetaStar, none.parameters(r));
        }
        assertArrayEquals(before, values(thetaStar));
    }

    @Test
    void gradientResetsToThetaStarEveryStepAndLowersTheWindowLoss() {
        float[] before = values(thetaStar);
        OnlineAdapter gradient = OnlineAdapter.create("gradient", model, thetaStar, SETTINGS);
        // One adapter sees the whole history, a step at a time; another only the final window.
        RecentTransitions r = new RecentTransitions(M, norm, DataType.FLOAT);
        INDArray phiHistory = null;
        for (double[][] row : Fixtures.rows(episode, 0, 40)) {
            r.add(row[0], row[1], row[2]);
            phiHistory = gradient.parameters(r);
        }
        INDArray phiFresh = OnlineAdapter.create("gradient", model, thetaStar, SETTINGS).parameters(window(24, M));
        assertArrayEquals(values(phiFresh), values(phiHistory), "phi depends on the window only");
        Batch data = window(24, M).batch();
        INDArray reference = Adaptation.adapt(model, thetaStar, data, SETTINGS.steps(), SETTINGS.lr(), SETTINGS.loss());
        assertArrayEquals(values(reference), values(phiHistory), "k steps of eq. 3 from theta*");
        double lossBefore = model.loss(thetaStar, data.x(), data.y());
        double lossAfter = model.loss(phiHistory, data.x(), data.y());
        System.out.printf("gradient adapter: window NLL %.4f at theta*, %.4f after %d steps%n", lossBefore, lossAfter,
                SETTINGS.steps());
        assertTrue(lossAfter < lossBefore - 0.01, "loss " + lossBefore + " -> " + lossAfter);
        assertArrayEquals(before, values(thetaStar), "theta* unchanged");
    }

    @Test
    void finetuneAccumulatesUntilReset() {
        OnlineAdapter finetune = OnlineAdapter.create("finetune", model, thetaStar, SETTINGS);
        RecentTransitions r = window(10, M);
        Batch data = r.batch();
        float[] once = values(finetune.parameters(r));
        float[] twice = values(finetune.parameters(r));
        // Two control steps on the same window = 2k steps from theta*: the updates accumulate.
        assertArrayEquals(values(Adaptation.adapt(model, thetaStar, data, SETTINGS.steps(), SETTINGS.lr(), SETTINGS.loss())), once);
        assertArrayEquals(values(Adaptation.adapt(model, thetaStar, data, 2 * SETTINGS.steps(), SETTINGS.lr(), SETTINGS.loss())), twice);
        assertFalse(java.util.Arrays.equals(once, twice));
        // A gradient adapter on the same window twice gives the same phi both times.
        OnlineAdapter gradient = OnlineAdapter.create("gradient", model, thetaStar, SETTINGS);
        assertArrayEquals(values(gradient.parameters(r)), values(gradient.parameters(r)));
        // reset(): the next episode starts from theta*.
        finetune.reset();
        assertArrayEquals(values(thetaStar), values(finetune.parameters(new RecentTransitions(M, norm, DataType.FLOAT))));
    }

    @Test
    void namesSettingsAndAlgorithms() {
        assertEquals(List.of("none", "finetune", "gradient"), OnlineAdapter.names());
        assertEquals("none", OnlineAdapter.forAlgorithm("pooled"));
        assertEquals("finetune", OnlineAdapter.forAlgorithm("pooled-de"));
        assertEquals("gradient", OnlineAdapter.forAlgorithm("maml"));
        assertEquals("gradient", OnlineAdapter.forAlgorithm("reptile"));
        PlannerModelTest.assertMessage(() -> OnlineAdapter.create("rnn", model, thetaStar, SETTINGS), "adapter", "rnn");
        PlannerModelTest.assertMessage(() -> new AdapterSettings(-1, 0.1, 4, Loss.NLL), "adapter.steps", "-1");
        PlannerModelTest.assertMessage(() -> new AdapterSettings(1, Double.POSITIVE_INFINITY, 4, Loss.NLL), "adapter.lr", "Infinity");
        PlannerModelTest.assertMessage(() -> new AdapterSettings(1, 0.1, 0, Loss.NLL), "adapter.window", "0");
        assertEquals(new AdapterSettings(2, 0.01, 32, Loss.MSE), AdapterSettings.of(new InnerLoop(32, 16, 2, 0.01, Loss.MSE)));
    }
}
