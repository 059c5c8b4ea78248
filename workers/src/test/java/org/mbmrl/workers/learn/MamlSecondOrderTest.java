package org.mbmrl.workers.learn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mbmrl.workers.algorithms.maml.MamlLearner;
import org.mbmrl.workers.model.Activation;
import org.mbmrl.workers.model.Batch;
import org.mbmrl.workers.model.GaussianMlp;
import org.mbmrl.workers.model.Loss;
import org.mbmrl.workers.model.MlpSpec;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Second-order MAML's meta-gradient against a central finite-difference estimate of the
 * outer loss L_future(phi_k(theta)), in double precision; also with only the last layer
 * adapted, and with Meta-SGD's learned per-parameter step sizes (the gradient with respect to
 * their log-scales as well).
 */
class MamlSecondOrderTest {

    private static INDArray uniform(SplittableRandom rng, int rows, int cols, double scale) {
        double[] d = new double[rows * cols];
        for (int i = 0; i < d.length; i++) {
            d[i] = scale * (2 * rng.nextDouble() - 1);
        }
        return Nd4j.create(d, new long[] {rows, cols}, DataType.DOUBLE);
    }

    private static double outerLoss(GaussianMlp m, INDArray theta, Batch past, Batch future, InnerLoop inner) {
        INDArray phi = Adaptation.adapt(m, theta, past, inner.steps(), inner.lr(), inner.loss());
        return m.loss(phi, future.x(), future.y(), Loss.NLL);
    }

    private static double[] relativeErrors(int steps) {
        GaussianMlp m = new GaussianMlp(new MlpSpec(3, 1, 0, List.of(10, 8), Activation.TANH), DataType.DOUBLE);
        SplittableRandom rng = new SplittableRandom(7);
        INDArray theta = m.initialParameters(11).addi(uniform(rng, 1, m.spec().parameterCount(), 0.2));
        Batch past = new Batch(uniform(rng, 16, 4, 1.5), uniform(rng, 16, 3, 1.0));
        Batch future = new Batch(uniform(rng, 12, 4, 1.5), uniform(rng, 12, 3, 1.0));
        InnerLoop inner = new InnerLoop(16, 12, steps, 0.3, Loss.NLL);

        INDArray fd = m.zeros();
        double eps = 1e-6;
        for (int i = 0; i < m.spec().parameterCount(); i++) {
            double orig = theta.getDouble(0, i);
            theta.putScalar(0, i, orig + eps);
            double lp = outerLoss(m, theta, past, future, inner);
            theta.putScalar(0, i, orig - eps);
            double lm = outerLoss(m, theta, past, future, inner);
            theta.putScalar(0, i, orig);
            fd.putScalar(0, i, (lp - lm) / (2 * eps));
        }
        double[] errors = new double[2];
        for (int order = 0; order < 2; order++) {
            INDArray g = m.zeros();
            new MamlLearner(m, null, inner, order == 1, 1).metaGradient(theta, past, future, g);
            errors[order] = g.sub(fd).norm2Number().doubleValue() / fd.norm2Number().doubleValue();
        }
        return errors;
    }

    /** Second-order relative error of maml's meta-gradient with {@code subspace} and, optionally, learned rates. */
    private static double relativeError(Subspace subspace, boolean learned) {
        MlpSpec spec = new MlpSpec(3, 1, 0, List.of(10, 8), Activation.TANH);
        GaussianMlp m = learned ? new org.mbmrl.workers.model.LearnedRateSpec(spec).create(DataType.DOUBLE)
                : new GaussianMlp(spec, DataType.DOUBLE);
        SplittableRandom rng = new SplittableRandom(7);
        INDArray theta = m.initialParameters(11).addi(uniform(rng, 1, m.parameterCount(), 0.2));
        Batch past = new Batch(uniform(rng, 16, 4, 1.5), uniform(rng, 16, 3, 1.0));
        Batch future = new Batch(uniform(rng, 12, 4, 1.5), uniform(rng, 12, 3, 1.0));
        InnerLoop inner = new InnerLoop(16, 12, 3, 0.3, Loss.NLL, subspace);
        INDArray fd = m.zeros();
        double eps = 1e-6;
        for (int i = 0; i < m.parameterCount(); i++) {
            double orig = theta.getDouble(0, i);
            theta.putScalar(0, i, orig + eps);
            double lp = m.loss(Adaptation.adapt(m, theta, past, 3, 0.3, Loss.NLL, StepScales.of(m, subspace, theta, learned)),
                    future.x(), future.y(), Loss.NLL);
            theta.putScalar(0, i, orig - eps);
            double lm = m.loss(Adaptation.adapt(m, theta, past, 3, 0.3, Loss.NLL, StepScales.of(m, subspace, theta, learned)),
                    future.x(), future.y(), Loss.NLL);
            theta.putScalar(0, i, orig);
            fd.putScalar(0, i, (lp - lm) / (2 * eps));
        }
        INDArray g = m.zeros();
        new MamlLearner(m, null, inner, true, 1, learned).metaGradient(theta, past, future, g);
        if (learned) {
            // The log-scales' part is not negligible: the check covers it.
            INDArray s = g.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0),
                    org.nd4j.linalg.indexing.NDArrayIndex.interval(spec.parameterCount(), m.parameterCount()));
            assertTrue(s.norm2Number().doubleValue() > 1e-3 * g.norm2Number().doubleValue(), "log-scale gradient " + s);
        }
        return g.sub(fd).norm2Number().doubleValue() / fd.norm2Number().doubleValue();
    }

    @Test
    void lastLayerAndLearnedStepSizesMetaGradientsMatchFiniteDifferences() {
        double lastLayer = relativeError(Subspace.LAST_LAYER, false);
        double metaSgd = relativeError(Subspace.ALL, true);
        double both = relativeError(Subspace.LAST_LAYER, true);
        System.out.printf("three inner steps, second order: last layer %.2e, Meta-SGD %.2e, both %.2e relative error%n",
                lastLayer, metaSgd, both);
        assertTrue(lastLayer < 1e-4, "last layer " + lastLayer);
        assertTrue(metaSgd < 1e-4, "Meta-SGD " + metaSgd);
        assertTrue(both < 1e-4, "last layer + Meta-SGD " + both);
    }

    @Test
    void theLastLayerSubspaceMovesOnlyTheOutputLayer() {
        MlpSpec spec = new MlpSpec(3, 1, 0, List.of(10, 8), Activation.TANH);
        GaussianMlp m = new GaussianMlp(spec, DataType.DOUBLE);
        SplittableRandom rng = new SplittableRandom(3);
        INDArray theta = m.initialParameters(5);
        Batch past = new Batch(uniform(rng, 16, 4, 1.5), uniform(rng, 16, 3, 1.0));
        INDArray phi = Adaptation.adapt(m, theta, past, 3, 0.1, Loss.NLL, StepScales.of(m, Subspace.LAST_LAYER, theta, false));
        int head = (int) spec.weightOffset(spec.layers() - 1);
        double[] t = theta.toDoubleVector();
        double[] p = phi.toDoubleVector();
        for (int i = 0; i < head; i++) {
            assertTrue(t[i] == p[i], "hidden-layer parameter " + i + " moved");
        }
        double moved = 0;
        for (int i = head; i < t.length; i++) {
            moved += Math.abs(t[i] - p[i]);
        }
        assertTrue(moved > 1e-3, "the output layer moved by " + moved);
        assertTrue(m.loss(phi, past.x(), past.y(), Loss.NLL) < m.loss(theta, past.x(), past.y(), Loss.NLL));
    }

    @Test
    void secondOrderMetaGradientMatchesFiniteDifferencesOneStep() {
        double[] err = relativeErrors(1);
        System.out.printf("one inner step: second-order relative error %.2e, first-order %.2e%n", err[1], err[0]);
        assertTrue(err[1] < 1e-3, "second-order relative error " + err[1]);
        // The check can fail: first order drops the Hessian term and misses by far more.
        assertTrue(err[0] > 1e-2, "first-order relative error " + err[0] + " should show the missing Hessian term");
    }

    @Test
    void secondOrderMetaGradientMatchesFiniteDifferencesThreeSteps() {
        double[] err = relativeErrors(3);
        System.out.printf("three inner steps: second-order relative error %.2e, first-order %.2e%n", err[1], err[0]);
        assertTrue(err[1] < 1e-3, "second-order relative error " + err[1]);
        assertTrue(err[0] > 1e-2, "first-order relative error " + err[0]);
    }
}
