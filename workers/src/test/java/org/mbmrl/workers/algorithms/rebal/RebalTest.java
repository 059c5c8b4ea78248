package org.mbmrl.workers.algorithms.rebal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mbmrl.datasets.TaskTransitions;
import org.mbmrl.workers.algorithms.Adam;
import org.mbmrl.workers.algorithms.TaskUpdate;
import org.mbmrl.workers.control.AdaptedModel;
import org.mbmrl.workers.learn.InnerLoop;
import org.mbmrl.workers.model.Activation;
import org.mbmrl.workers.model.Batch;
import org.mbmrl.workers.model.Loss;
import org.mbmrl.workers.model.MlpSpec;
import org.mbmrl.workers.model.Normalizer;
import org.mbmrl.workers.model.RecurrentGaussianModel;
import org.mbmrl.workers.model.RecurrentSpec;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ReBAL's learner and adapter: the BPTT gradient against central finite differences in double
 * precision, and a small meta-training run whose hidden state, read from the past of a held-out
 * task, predicts its future better than h = 0 does.
 */
class RebalTest {

    /** Random normalized rows: {@code sequences x length} transitions, inputs with {@code h} zero context columns. */
    private static Batch randomRows(SplittableRandom r, int rows, int ds, int da, int h) {
        double[] x = new double[rows * (ds + da + h)];
        double[] y = new double[rows * ds];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < ds + da; j++) {
                x[i * (ds + da + h) + j] = r.nextDouble(-1.5, 1.5);
            }
            for (int j = 0; j < ds; j++) {
                y[i * ds + j] = r.nextDouble(-1, 1);
            }
        }
        return new Batch(Nd4j.create(x, new long[] {rows, ds + da + h}, DataType.DOUBLE),
                Nd4j.create(y, new long[] {rows, ds}, DataType.DOUBLE));
    }

    @Test
    void bpttGradientMatchesCentralDifferencesInDouble() {
        int ds = 3;
        int da = 2;
        int h = 5;
        int sequences = 3;
        int m = 6;
        int k = 4;
        RecurrentGaussianModel model = new RecurrentSpec(new MlpSpec(ds, da, h, List.of(7), Activation.TANH))
                .create(DataType.DOUBLE);
        SplittableRandom r = new SplittableRandom(11);
        Batch past = randomRows(r, sequences * m, ds, da, h);
        Batch future = randomRows(r, sequences * k, ds, da, h);
        INDArray theta = model.initialParameters(5);
        // Larger encoder weights than the initial ones, so the gates are away from their linear regime.
        int enc = model.spec().encoderOffset();
        for (int i = enc; i < model.parameterCount(); i++) {
            theta.putScalar(0, i, theta.getDouble(0, i) * 2 + 0.1 * r.nextGaussian());
        }
        INDArray g = model.zeros();
        RebalLearner.outerLossAndGradient(model, theta, past, future, sequences, g);
        double eps = 1e-6;
        double[] fd = new double[model.parameterCount()];
        INDArray scratch = model.zeros();
        for (int i = 0; i < fd.length; i++) {
            double v = theta.getDouble(0, i);
            theta.putScalar(0, i, v + eps);
            double plus = RebalLearner.outerLossAndGradient(model, theta, past, future, sequences, scratch);
            theta.putScalar(0, i, v - eps);
            double minus = RebalLearner.outerLossAndGradient(model, theta, past, future, sequences, scratch);
            theta.putScalar(0, i, v);
            fd[i] = (plus - minus) / (2 * eps);
        }
        double[] analytic = g.toDoubleVector();
        // Decoder and encoder separately: the encoder's share of the gradient is the smaller one.
        assertTrue(relativeError(analytic, fd, 0, enc) < 1e-4, "decoder: " + relativeError(analytic, fd, 0, enc));
        double encoderError = relativeError(analytic, fd, enc, fd.length);
        System.out.printf("rebal BPTT vs central differences: decoder %.3g, encoder %.3g relative error%n",
                relativeError(analytic, fd, 0, enc), encoderError);
        assertTrue(encoderError < 1e-4, "encoder (BPTT): " + encoderError);
        assertTrue(norm(analytic, enc, fd.length) > 1e-3, "the encoder's gradient is not negligible");
    }

    private static double relativeError(double[] a, double[] b, int from, int to) {
        double diff = 0;
        for (int i = from; i < to; i++) {
            diff += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(diff) / Math.max(norm(a, from, to), norm(b, from, to));
    }

    private static double norm(double[] a, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += a[i] * a[i];
        }
        return Math.sqrt(s);
    }

    /** A 1-D system x' = x + 0.1 (a - c x) whose c differs per task; 2 episodes of 60 steps. */
    private static TaskTransitions task(long id, double c) {
        SplittableRandom r = new SplittableRandom(id);
        TaskTransitions.Builder b = new TaskTransitions.Builder(id, 1, 1, 120);
        for (int e = 0; e < 2; e++) {
            double[] s = {r.nextDouble(-1, 1)};
            for (int t = 0; t < 60; t++) {
                double[] a = {r.nextDouble(-1, 1)};
                double[] n = {s[0] + 0.1 * (a[0] - c * s[0]) + 0.3 * c * a[0]};
                b.add(e, t, s, a, n, 0.0, false, false);
                s = n;
            }
        }
        return b.build();
    }

    @Test
    void metaTrainedHiddenStatePredictsAHeldOutTaskBetterThanNoHiddenState() {
        InnerLoop inner = new InnerLoop(12, 12, 0, 0.0, Loss.NLL);
        RecurrentGaussianModel model = new RecurrentSpec(new MlpSpec(1, 1, 4, List.of(16), Activation.TANH))
                .create(DataType.FLOAT);
        TaskTransitions[] train = new TaskTransitions[8];
        for (int i = 0; i < train.length; i++) {
            train[i] = task(i, -1.0 + 2.0 * i / (train.length - 1));
        }
        Normalizer.Statistics stats = Normalizer.Statistics.of(train[0]);
        for (int i = 1; i < train.length; i++) {
            stats.merge(Normalizer.Statistics.of(train[i]));
        }
        Normalizer norm = stats.toNormalizer();
        RebalLearner learner = new RebalLearner(model, norm, inner, 4);
        float[] flat = model.initialParameters(3).toFloatVector();
        Adam adam = new Adam(0.01, model.parameterCount());
        for (int it = 0; it < 300; it++) {
            INDArray theta = Nd4j.create(flat, new long[] {1, flat.length}, DataType.FLOAT);
            INDArray sum = model.zeros();
            for (int i = 0; i < train.length; i++) {
                sum.addi(learner.update(theta, new float[0], train[i], 1000L * it + i).direction());
            }
            adam.apply(flat, sum.divi(train.length).toDoubleVector());
        }
        INDArray theta = Nd4j.create(flat, new long[] {1, flat.length}, DataType.FLOAT);
        TaskTransitions heldOut = task(99, 0.8);
        TaskUpdate u = learner.update(theta, new float[0], heldOut, 7);
        double before = u.metrics()[0];
        double after = u.metrics()[1];
        System.out.printf("rebal held-out task: future NLL with h = 0 %.4f, with h from the past %.4f%n", before, after);
        assertTrue(after < before - 0.2, "NLL of the future with h from the past " + after + ", with h = 0 " + before);

        // Online: the adapter's context is the GRU's state over the window, recomputed each call.
        RebalAdapter adapter = new RebalAdapter(model, theta);
        Batch window = Batch.of(heldOut, 10, 12, norm, model.contextDim(), DataType.FLOAT);
        AdaptedModel a1 = adapter.adapt(window);
        AdaptedModel a2 = adapter.adapt(window);
        assertArrayEquals(a1.context(), a2.context());
        assertArrayEquals(new double[4], adapter.adapt(null).context());
        assertNotEquals(0.0, java.util.Arrays.stream(a1.context()).map(Math::abs).sum());
        assertEquals(theta, a1.parameters());
    }
}
