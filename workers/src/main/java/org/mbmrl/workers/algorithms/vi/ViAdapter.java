package org.mbmrl.workers.algorithms.vi;

import java.util.SplittableRandom;
import org.mbmrl.datasets.Seeds;
import org.mbmrl.workers.control.AdaptedModel;
import org.mbmrl.workers.control.AdapterSettings;
import org.mbmrl.workers.control.OnlineAdapter;
import org.mbmrl.workers.model.Batch;
import org.mbmrl.workers.model.DynamicsModel;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * VI-MBMRL's online adaptation (survey IV-C, algorithm 5 lines 4-8, eq. 23): theta* stays
 * fixed; q(z) = N(mu, diag exp(lv)) starts at the prior N(0, I) at the start of an episode and,
 * at every control step, takes k SGD steps of rate alpha on the negative ELBO ({@link Elbo}) of
 * the last M transitions, from where the previous step left it. The planner uses q's mean as
 * the model's context. Step t's noise comes from {@code Seeds.derive(seed, t)}, so an episode
 * is reproducible and its runs with and without the change are paired.
 */
final class ViAdapter implements OnlineAdapter {
    public static final String NAME = "vi";

    private final INDArray thetaStar;
    private final AdapterSettings settings;
    private final Elbo elbo;
    private final long seed;
    private final double[] mu;
    private final double[] lv;
    private final double[] gMu;
    private final double[] gLv;
    private double[] eps = new double[0];
    private int step;

    ViAdapter(DynamicsModel model, INDArray thetaStar, AdapterSettings settings, double beta, long seed) {
        this.thetaStar = thetaStar;
        this.settings = settings;
        this.elbo = new Elbo(model, beta);
        this.seed = seed;
        int dz = model.contextDim();
        this.mu = new double[dz];
        this.lv = new double[dz];
        this.gMu = new double[dz];
        this.gLv = new double[dz];
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void reset() {
        java.util.Arrays.fill(mu, 0);
        java.util.Arrays.fill(lv, 0);
        step = 0;
    }

    @Override
    public AdaptedModel adapt(Batch window) {
        if (window != null && settings.steps() > 0) {
            int n = window.size() * mu.length;
            if (eps.length < n) {
                eps = new double[n];
            }
            SplittableRandom rng = new SplittableRandom(Seeds.derive(seed, step));
            for (int s = 0; s < settings.steps(); s++) {
                Elbo.sampleNoise(rng, eps, n);
                elbo.lossAndGradients(thetaStar, mu, lv, window, eps, null, gMu, gLv);
                for (int d = 0; d < mu.length; d++) {
                    mu[d] -= settings.lr() * gMu[d];
                    lv[d] -= settings.lr() * gLv[d];
                }
            }
        }
        step++;
        return new AdaptedModel(thetaStar, mu.clone());
    }

    /** q's current log-variance (a copy). */
    double[] logVariance() {
        return lv.clone();
    }
}
