package org.mbmrl.workers.algorithms.famle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mbmrl.datasets.TaskTransitions;
import org.mbmrl.workers.algorithms.Algorithm;
import org.mbmrl.workers.algorithms.CommonSettings;
import org.mbmrl.workers.algorithms.MapSection;
import org.mbmrl.workers.algorithms.TaskStateTable;
import org.mbmrl.workers.algorithms.TaskUpdate;
import org.mbmrl.workers.algorithms.TestTasks;
import org.mbmrl.workers.control.AdaptedModel;
import org.mbmrl.workers.control.AdapterSettings;
import org.mbmrl.workers.learn.InnerLoop;
import org.mbmrl.workers.learn.Segments;
import org.mbmrl.workers.model.Activation;
import org.mbmrl.workers.model.Batch;
import org.mbmrl.workers.model.GaussianMlp;
import org.mbmrl.workers.model.Loss;
import org.mbmrl.workers.model.MlpSpec;
import org.mbmrl.workers.model.Normalizer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** FAMLE's joint step on (theta, h), eq. 17's batched choice of embedding, and its meta-training update. */
class FamleTest {
    private static final int DH = 3;
    private final GaussianMlp model = new GaussianMlp(new MlpSpec(3, 1, DH, List.of(9, 7), Activation.TANH), DataType.DOUBLE);
    private final SplittableRandom rng = new SplittableRandom(12);

    private INDArray uniform(int rows, int cols, double scale) {
        double[] d = new double[rows * cols];
        for (int i = 0; i < d.length; i++) {
            d[i] = scale * (2 * rng.nextDouble() - 1);
        }
        return Nd4j.create(d, new long[] {rows, cols}, DataType.DOUBLE);
    }

    private double[] vector(int n, double scale) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = scale * (2 * rng.nextDouble() - 1);
        }
        return v;
    }

    @Test
    void jointStepGradientsMatchCentralDifferences() {
        INDArray theta = model.initialParameters(3).addi(uniform(1, model.parameterCount(), 0.1));
        Batch data = new Batch(uniform(10, model.inputDim(), 1.0), uniform(10, 3, 1.0));
        double[] h = vector(DH, 0.8);
        EmbeddingSteps steps = new EmbeddingSteps(model);
        INDArray g = model.zeros();
        double[] gh = new double[DH];
        steps.lossAndGradients(theta, h, data, Loss.NLL, g, gh);
        double eps = 1e-6;
        double thetaErr = 0;
        for (int i = 0; i < model.parameterCount(); i++) {
            double orig = theta.getDouble(0, i);
            theta.putScalar(0, i, orig + eps);
            double lp = loss(theta, h, data);
            theta.putScalar(0, i, orig - eps);
            double lm = loss(theta, h, data);
            theta.putScalar(0, i, orig);
            double fd = (lp - lm) / (2 * eps);
            thetaErr = Math.max(thetaErr, Math.abs(fd - g.getDouble(0, i)) / Math.max(1e-3, Math.abs(fd)));
        }
        double hErr = 0;
        for (int d = 0; d < DH; d++) {
            double[] hp = h.clone();
            double[] hm = h.clone();
            hp[d] += eps;
            hm[d] -= eps;
            double fd = (loss(theta, hp, data) - loss(theta, hm, data)) / (2 * eps);
            hErr = Math.max(hErr, Math.abs(fd - gh[d]) / Math.max(1e-3, Math.abs(fd)));
        }
        System.out.printf("famle joint step: max relative error theta %.2e, h %.2e%n", thetaErr, hErr);
        assertTrue(thetaErr < 1e-4, "theta gradient error " + thetaErr);
        assertTrue(hErr < 1e-4, "embedding gradient error " + hErr);

        // One step of run() is exactly theta - alpha g, h - beta grad_h.
        INDArray phi = theta.dup();
        double[] h1 = h.clone();
        steps.run(phi, h1, data, 1, 0.05, 0.2, Loss.NLL);
        assertArrayEquals(theta.sub(g.mul(0.05)).toDoubleVector(), phi.toDoubleVector(), 1e-15);
        for (int d = 0; d < DH; d++) {
            assertEquals(h[d] - 0.2 * gh[d], h1[d], 1e-15);
        }
    }

    private double loss(INDArray theta, double[] h, Batch data) {
        return model.loss(theta, data.setContext(h).x(), data.y(), Loss.NLL);
    }

    /** Eq. 17 over a table of embeddings: the batched choice equals one forward pass per embedding. */
    @Test
    void mostLikelyEmbeddingIsTheOneTheWindowCameFrom() {
        INDArray theta = model.initialParameters(5).addi(uniform(1, model.parameterCount(), 0.3));
        // A constant log-variance (the output layer's variance head zeroed), so the NLL ranks by squared error.
        model.weights(theta, model.spec().layers() - 1).getColumns(3, 4, 5).assign(0);
        model.bias(theta, model.spec().layers() - 1).getColumns(3, 4, 5).assign(0);
        long[] ids = {3, 7, 11, 19, 23};
        float[] rows = new float[ids.length * DH];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = (float) (2 * rng.nextDouble() - 1);
        }
        TaskStateTable table = TaskStateTable.of(ids, DH, rows);
        int source = 3;
        Batch window = new Batch(uniform(12, model.inputDim(), 1.0), Nd4j.zeros(DataType.DOUBLE, 12, 3));
        window.setContext(table.rowAt(source));
        window.y().assign(model.predict(theta, window.x()).mean());
        FamleAdapter adapter = new FamleAdapter(model, theta, table, new AdapterSettings(0, 0.0, 12, Loss.NLL), 0.0);
        assertEquals(source, adapter.mostLikely(window));
        // Against an unbatched scan with noisy targets.
        window.y().addi(uniform(12, 3, 0.5));
        int best = -1;
        double bestLoss = Double.POSITIVE_INFINITY;
        for (int e = 0; e < ids.length; e++) {
            double l = model.loss(theta, window.setContext(table.rowAt(e)).x(), window.y(), Loss.NLL);
            if (l < bestLoss) {
                bestLoss = l;
                best = e;
            }
        }
        assertEquals(best, adapter.mostLikely(window));
        // k = 0: the adapter hands over theta* and the chosen embedding unchanged.
        AdaptedModel m = adapter.adapt(window);
        assertArrayEquals(theta.toDoubleVector(), m.parameters().toDoubleVector(), 0.0);
        assertArrayEquals(table.rowAt(best), m.context(), 0.0);
        assertEquals(best, adapter.lastChoice());
        // Before any transition: theta* and the mean embedding.
        AdaptedModel none = adapter.adapt(null);
        assertSame(theta, none.parameters());
        assertArrayEquals(Famle.meanEmbedding(table), none.context(), 1e-15);
    }

    @Test
    void metaTrainingMovesThetaAndTheEmbeddingAsAlgorithmThree() {
        GaussianMlp m = new GaussianMlp(new MlpSpec(3, 1, 2, List.of(8), Activation.TANH), DataType.FLOAT);
        TaskTransitions task = TestTasks.linear(60);
        Normalizer norm = Normalizer.Statistics.of(task).toNormalizer();
        InnerLoop inner = new InnerLoop(8, 8, 2, 0.01, Loss.NLL);
        CommonSettings common = new CommonSettings(inner, 1, 1e-3, false, new AdapterSettings(1, 1e-3, 8, Loss.NLL));
        Algorithm famle = new Famle().bind(MapSection.defaults(new Famle(), "embedding_dim", 2, "steps", 3,
                "embedding_epsilon", 0.5), common);
        INDArray theta = m.initialParameters(1);
        float[] h0 = famle.initialTaskState(task.taskId(), 99);
        assertArrayEquals(h0, famle.initialTaskState(task.taskId(), 99), "seeded");
        TaskUpdate u = famle.learner(m, norm).update(theta, h0, task, 5);

        // The same by hand: 3 joint steps on the segment from (theta, h0).
        int start = Segments.sample(task, 16, 1, 5)[0];
        Batch segment = Batch.of(task, start, 16, norm, 2, DataType.FLOAT);
        INDArray phi = theta.dup();
        double[] h = {h0[0], h0[1]};
        new EmbeddingSteps(m).run(phi, h, segment, 3, 0.01, 0.1, Loss.NLL);
        assertArrayEquals(phi.sub(theta).toFloatVector(), u.direction().toFloatVector(), 1e-7f);
        for (int d = 0; d < 2; d++) {
            assertEquals((float) (h0[d] + 0.5 * (h[d] - h0[d])), u.taskState()[d], 1e-7f);
        }
        assertTrue(Math.abs(u.taskState()[0] - h0[0]) > 1e-6, "the embedding moved");
        assertEquals(2, u.metrics().length);
    }
}
