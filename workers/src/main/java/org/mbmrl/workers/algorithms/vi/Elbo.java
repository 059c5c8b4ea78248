package org.mbmrl.workers.algorithms.vi;

import java.util.SplittableRandom;
import org.mbmrl.workers.model.Batch;
import org.mbmrl.workers.model.DynamicsModel;
import org.mbmrl.workers.model.Loss;
import org.mbmrl.workers.model.NdBuffers;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The negative evidence lower bound of VI-MBMRL (Belkhale et al. 2021; survey IV-C, eq. 21) for
 * one task's transitions D under a diagonal Gaussian q(z) = N(mu, diag exp(lv)), per transition
 * and with the KL weighted by beta:
 *
 * <pre>  L(theta, mu, lv) = 1/B sum_b -log p_theta(s'_b | s_b, a_b, z_b) + beta KL(q || N(0, I)),
 *  z_b = mu + exp(lv / 2) eps_b,   KL = 1/2 sum_d (exp(lv_d) + mu_d^2 - 1 - lv_d)</pre>
 *
 * one reparameterized sample z_b per row (eps_b ~ N(0, I), drawn by the caller so the gradients
 * are exact at fixed noise). beta = 1/|D| is eq. 21 divided by the task's |D| transitions; a
 * larger beta pulls q harder toward the prior. Gradients: d/dmu = sum_b dL/dz_b + beta mu,
 * d/dlv = sum_b dL/dz_b eps_b exp(lv/2)/2 + beta (exp(lv) - 1)/2, d/dtheta that of the mean NLL.
 * Buffers are kept between calls (one per batch size). Not thread-safe.
 */
final class Elbo {
    private final DynamicsModel model;
    private final double beta;
    private INDArray contextGradient;
    private double[] rowGradients;
    private double[] z;

    Elbo(DynamicsModel model, double beta) {
        this.model = model;
        this.beta = beta;
    }

    /** KL(N(mu, diag exp(lv)) || N(0, I)). */
    static double kl(double[] mu, double[] lv) {
        double kl = 0;
        for (int d = 0; d < mu.length; d++) {
            kl += 0.5 * (Math.exp(lv[d]) + mu[d] * mu[d] - 1 - lv[d]);
        }
        return kl;
    }

    /** Fills {@code eps[0 .. n)} with standard normal numbers ({@link org.mbmrl.datasets.Seeds#gaussian}). */
    static void sampleNoise(SplittableRandom rng, double[] eps, int n) {
        for (int i = 0; i < n; i++) {
            eps[i] = org.mbmrl.datasets.Seeds.gaussian(rng);
        }
    }

    /**
     * L at ({@code theta}, {@code mu}, {@code lv}) with noise {@code eps} ({@code B x dz}); its
     * gradients into {@code thetaGradient} (null: not computed), {@code muGradient} and
     * {@code lvGradient}. The batch's context columns are overwritten with the samples z_b.
     */
    double lossAndGradients(INDArray theta, double[] mu, double[] lv, Batch data, double[] eps, INDArray thetaGradient,
            double[] muGradient, double[] lvGradient) {
        int rows = data.size();
        int dz = mu.length;
        if (dz != model.contextDim() || lv.length != dz || eps.length < rows * dz) {
            throw new IllegalArgumentException("expected a latent of " + model.contextDim() + " numbers and " + rows + " x "
                    + model.contextDim() + " noise; got " + mu.length + ", " + lv.length + ", " + eps.length);
        }
        if (contextGradient == null || contextGradient.rows() != rows) {
            contextGradient = Nd4j.createUninitialized(model.dtype(), rows, dz);
            rowGradients = new double[rows * dz];
            z = new double[rows * dz];
        }
        for (int r = 0; r < rows; r++) {
            for (int d = 0; d < dz; d++) {
                z[r * dz + d] = mu[d] + Math.exp(0.5 * lv[d]) * eps[r * dz + d];
            }
        }
        data.setContextRows(z, dz);
        double nll = model.lossAndGradient(theta, data.x(), data.y(), Loss.NLL, thetaGradient, contextGradient);
        NdBuffers.read(contextGradient, rowGradients, rows * dz);
        for (int d = 0; d < dz; d++) {
            double gz = 0;
            double gzEps = 0;
            for (int r = 0; r < rows; r++) {
                gz += rowGradients[r * dz + d];
                gzEps += rowGradients[r * dz + d] * eps[r * dz + d];
            }
            double sigma = Math.exp(0.5 * lv[d]);
            muGradient[d] = gz + beta * mu[d];
            lvGradient[d] = 0.5 * sigma * gzEps + beta * 0.5 * (Math.exp(lv[d]) - 1);
        }
        return nll + beta * kl(mu, lv);
    }
}
