package org.mbmrl.workers.algorithms.vi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mbmrl.datasets.TaskTransitions;
import org.mbmrl.workers.algorithms.Algorithm;
import org.mbmrl.workers.algorithms.CommonSettings;
import org.mbmrl.workers.algorithms.MapSection;
import org.mbmrl.workers.algorithms.TaskUpdate;
import org.mbmrl.workers.algorithms.TestTasks;
import org.mbmrl.workers.control.AdaptedModel;
import org.mbmrl.workers.control.AdapterSettings;
import org.mbmrl.workers.control.OnlineAdapter;
import org.mbmrl.workers.learn.InnerLoop;
import org.mbmrl.workers.model.Activation;
import org.mbmrl.workers.model.Batch;
import org.mbmrl.workers.model.GaussianMlp;
import org.mbmrl.workers.model.Loss;
import org.mbmrl.workers.model.MlpSpec;
import org.mbmrl.workers.model.Normalizer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The ELBO's gradients at fixed noise, VI's meta-training step and its online inference of q(z). */
class ViTest {
    private static final int DZ = 2;
    private final GaussianMlp model = new GaussianMlp(new MlpSpec(3, 1, DZ, List.of(9, 7), Activation.TANH), DataType.DOUBLE);
    private final SplittableRandom rng = new SplittableRandom(21);

    private INDArray uniform(int rows, int cols, double scale) {
        double[] d = new double[rows * cols];
        for (int i = 0; i < d.length; i++) {
            d[i] = scale * (2 * rng.nextDouble() - 1);
        }
        return Nd4j.create(d, new long[] {rows, cols}, DataType.DOUBLE);
    }

    @Test
    void elboGradientsMatchCentralDifferencesAtFixedNoise() {
        double beta = 0.3;
        Elbo elbo = new Elbo(model, beta);
        INDArray theta = model.initialParameters(2).addi(uniform(1, model.parameterCount(), 0.1));
        Batch data = new Batch(uniform(11, model.inputDim(), 1.0), uniform(11, 3, 1.0));
        double[] mu = {0.4, -0.7};
        double[] lv = {-0.5, 0.3};
        double[] eps = new double[11 * DZ];
        Elbo.sampleNoise(new SplittableRandom(3), eps, eps.length);
        INDArray g = model.zeros();
        double[] gMu = new double[DZ];
        double[] gLv = new double[DZ];
        double value = elbo.lossAndGradients(theta, mu, lv, data, eps, g, gMu, gLv);
        assertTrue(Double.isFinite(value));
        double h = 1e-6;
        double thetaErr = 0;
        for (int i = 0; i < model.parameterCount(); i++) {
            double orig = theta.getDouble(0, i);
            theta.putScalar(0, i, orig + h);
            double lp = elbo.lossAndGradients(theta, mu, lv, data, eps, null, new double[DZ], new double[DZ]);
            theta.putScalar(0, i, orig - h);
            double lm = elbo.lossAndGradients(theta, mu, lv, data, eps, null, new double[DZ], new double[DZ]);
            theta.putScalar(0, i, orig);
            double fd = (lp - lm) / (2 * h);
            thetaErr = Math.max(thetaErr, Math.abs(fd - g.getDouble(0, i)) / Math.max(1e-3, Math.abs(fd)));
        }
        double muErr = 0;
        double lvErr = 0;
        for (int d = 0; d < DZ; d++) {
            double[] p = mu.clone();
            double[] m = mu.clone();
            p[d] += h;
            m[d] -= h;
            double fd = (elbo.lossAndGradients(theta, p, lv, data, eps, null, new double[DZ], new double[DZ])
                    - elbo.lossAndGradients(theta, m, lv, data, eps, null, new double[DZ], new double[DZ])) / (2 * h);
            muErr = Math.max(muErr, Math.abs(fd - gMu[d]) / Math.max(1e-3, Math.abs(fd)));
            p = lv.clone();
            m = lv.clone();
            p[d] += h;
            m[d] -= h;
            fd = (elbo.lossAndGradients(theta, mu, p, data, eps, null, new double[DZ], new double[DZ])
                    - elbo.lossAndGradients(theta, mu, m, data, eps, null, new double[DZ], new double[DZ])) / (2 * h);
            lvErr = Math.max(lvErr, Math.abs(fd - gLv[d]) / Math.max(1e-3, Math.abs(fd)));
        }
        System.out.printf("elbo: max relative error theta %.2e, mean %.2e, log-variance %.2e%n", thetaErr, muErr, lvErr);
        assertTrue(thetaErr < 1e-4, "theta " + thetaErr);
        assertTrue(muErr < 1e-4, "mean " + muErr);
        assertTrue(lvErr < 1e-4, "log-variance " + lvErr);
        // The KL term: zero at the prior, positive elsewhere.
        assertEquals(0.0, Elbo.kl(new double[DZ], new double[DZ]), 0.0);
        assertEquals(0.5 * (Math.exp(-0.5) + 0.16 - 1 + 0.5 + Math.exp(0.3) + 0.49 - 1 - 0.3), Elbo.kl(mu, lv), 1e-12);
    }

    private Algorithm vi(Object... overrides) {
        InnerLoop inner = new InnerLoop(8, 8, 3, 0.005, Loss.NLL);
        return new VariationalInference().bind(MapSection.defaults(new VariationalInference(), overrides),
                new CommonSettings(inner, 2, 1e-3, false, new AdapterSettings(1, 1e-3, 8, Loss.NLL)));
    }

    @Test
    void metaTrainingMovesQTowardTheDataAndGivesThetaTheElboGradient() {
        GaussianMlp m = new GaussianMlp(new MlpSpec(3, 1, DZ, List.of(8), Activation.TANH), DataType.FLOAT);
        TaskTransitions task = TestTasks.linear(60);
        Normalizer norm = Normalizer.Statistics.of(task).toNormalizer();
        INDArray theta = m.initialParameters(3);
        Algorithm still = vi("posterior_lr", 0.0);
        float[] prior = still.initialTaskState(task.taskId(), 1);
        assertArrayEquals(new float[2 * DZ], prior);
        TaskUpdate u0 = still.learner(m, norm).update(theta, prior, task, 8);
        assertArrayEquals(prior, u0.taskState(), "a zero posterior step size keeps q");
        assertEquals(List.of("pre_loss", "post_loss", "kl"), still.metricNames());
        assertEquals(u0.metrics()[0], u0.metrics()[1], 1e-6, "q at the prior: the same NLL at its mean");
        Algorithm moving = vi("posterior_lr", 0.2, "posterior_steps", 3);
        TaskUpdate u = moving.learner(m, norm).update(theta, prior, task, 8);
        assertFalse(java.util.Arrays.equals(prior, u.taskState()), "q moved");
        assertTrue(u.metrics()[2] > 0, "kl > 0 away from the prior");
        assertTrue(u.direction().norm2Number().doubleValue() > 0);
        // Reproducible: the same seed gives the same bits.
        TaskUpdate again = moving.learner(m, norm).update(theta, prior, task, 8);
        assertArrayEquals(u.taskState(), again.taskState());
        assertArrayEquals(u.direction().toFloatVector(), again.direction().toFloatVector());
    }

    @Test
    void onlineInferenceStartsAtThePriorKeepsItsPosteriorAndIsReproducible() {
        INDArray theta = model.initialParameters(6).addi(uniform(1, model.parameterCount(), 0.3));
        Batch window = new Batch(uniform(16, model.inputDim(), 1.0), uniform(16, 3, 1.0));
        Algorithm vi = vi();
        AdapterSettings settings = new AdapterSettings(5, 0.1, 16, Loss.NLL);
        OnlineAdapter a = vi.onlineAdapter("vi", model, theta, null, settings, 77);
        OnlineAdapter b = vi.onlineAdapter("vi", model, theta, null, settings, 77);
        assertArrayEquals(new double[DZ], a.adapt(null).context(), 0.0);
        double[] first = a.adapt(window).context();
        double[] second = a.adapt(window).context();
        assertFalse(java.util.Arrays.equals(first, second), "warm start: the posterior keeps moving");
        b.adapt(null);
        assertArrayEquals(first, b.adapt(window).context(), 0.0);
        a.reset();
        assertArrayEquals(new double[DZ], a.adapt(null).context(), 0.0);
        assertArrayEquals(first, a.adapt(window).context(), 0.0, "reset: the same noise again");
        AdaptedModel none = vi.onlineAdapter("none", model, theta, null, settings, 1).adapt(window);
        assertArrayEquals(new double[DZ], none.context(), 0.0);
        // Many steps lower the window's NLL at q's mean below the prior's.
        double atPrior = model.loss(theta, window.setContext(new double[DZ]).x(), window.y(), Loss.NLL);
        OnlineAdapter c = vi.onlineAdapter("vi", model, theta, null, new AdapterSettings(200, 0.05, 16, Loss.NLL), 3);
        double[] mean = c.adapt(window).context();
        double after = model.loss(theta, window.setContext(mean).x(), window.y(), Loss.NLL);
        System.out.printf("vi inference: window NLL %.4f at the prior mean, %.4f at q's mean after 200 steps%n", atPrior, after);
        assertTrue(after < atPrior, atPrior + " -> " + after);
    }

    @Test
    void onlineKlWeightDefaultsToBetaAndASmallerOneLetsQMoveFurther() {
        INDArray theta = model.initialParameters(6).addi(uniform(1, model.parameterCount(), 0.3));
        Batch window = new Batch(uniform(16, model.inputDim(), 1.0), uniform(16, 3, 1.0));
        AdapterSettings settings = new AdapterSettings(50, 0.1, 16, Loss.NLL);
        double[] byDefault = vi().onlineAdapter("vi", model, theta, null, settings, 5).adapt(window).context();
        double[] sameAsBeta = vi("inference_beta", 0.1).onlineAdapter("vi", model, theta, null, settings, 5).adapt(window).context();
        assertArrayEquals(byDefault, sameAsBeta, 0.0, "null = beta (0.1)");
        double[] fromBeta = vi("beta", 0.01).onlineAdapter("vi", model, theta, null, settings, 5).adapt(window).context();
        double[] weak = vi("inference_beta", 0.01).onlineAdapter("vi", model, theta, null, settings, 5).adapt(window).context();
        assertArrayEquals(fromBeta, weak, 0.0, "null follows a trained beta of 0.01");
        double strongNorm = Math.sqrt(java.util.Arrays.stream(byDefault).map(v -> v * v).sum());
        double weakNorm = Math.sqrt(java.util.Arrays.stream(weak).map(v -> v * v).sum());
        System.out.printf("vi inference: |mu| %.4f at KL weight 0.1, %.4f at 0.01%n", strongNorm, weakNorm);
        assertTrue(weakNorm > strongNorm, "a weaker pull toward the prior: " + strongNorm + " -> " + weakNorm);
    }
}
