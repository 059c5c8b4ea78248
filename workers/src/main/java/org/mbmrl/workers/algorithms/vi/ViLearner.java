package org.mbmrl.workers.algorithms.vi;

import java.util.SplittableRandom;
import org.mbmrl.datasets.TaskTransitions;
import org.mbmrl.workers.algorithms.TaskLearner;
import org.mbmrl.workers.algorithms.TaskUpdate;
import org.mbmrl.workers.learn.InnerLoop;
import org.mbmrl.workers.learn.Segments;
import org.mbmrl.workers.model.Batch;
import org.mbmrl.workers.model.DynamicsModel;
import org.mbmrl.workers.model.Loss;
import org.mbmrl.workers.model.Normalizer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * VI-MBMRL's meta-training for one sampled task i (survey IV-C, eq. 21 and 22; algorithm 5
 * line 2): theta and every q(z_i) maximize the ELBO jointly. On the task's seeded segments
 * (stacked into one batch D_i), {@code vi.posterior_steps} SGD steps of {@code vi.posterior_lr}
 * move q(z_i)'s mean and log-variance (the task's state row, the inner max of eq. 22), then the
 * gradient of the negative ELBO ({@link Elbo}) with respect to theta at the new q, with fresh
 * reparameterized noise, is the task's contribution (the driver applies Adam to the meta-batch
 * mean). All noise comes from the task's seed.
 *
 * <p>Reported: the NLL of the batch with z at the prior mean (pre_loss) and at q(z_i)'s mean
 * (post_loss), and KL(q(z_i) || N(0, I)).
 */
final class ViLearner implements TaskLearner {
    private final DynamicsModel model;
    private final Normalizer normalizer;
    private final InnerLoop inner;
    private final VariationalInference.Settings settings;
    private final int segments;

    ViLearner(DynamicsModel model, Normalizer normalizer, InnerLoop inner, VariationalInference.Settings settings,
            int segments) {
        if (model.contextDim() != settings.latentDim()) {
            throw new IllegalArgumentException("vi needs a model whose context input is vi.latent_dim ("
                    + settings.latentDim() + ") wide; got " + model.contextDim());
        }
        this.model = model;
        this.normalizer = normalizer;
        this.inner = inner;
        this.settings = settings;
        this.segments = segments;
    }

    @Override
    public TaskUpdate update(INDArray theta, float[] taskState, TaskTransitions task, long seed) {
        int dz = settings.latentDim();
        if (taskState.length != 2 * dz) {
            throw new IllegalArgumentException("task " + task.taskId() + ": vi needs q(z)'s mean and log-variance, "
                    + 2 * dz + " numbers; got " + taskState.length);
        }
        double[] mu = new double[dz];
        double[] lv = new double[dz];
        for (int d = 0; d < dz; d++) {
            mu[d] = taskState[d];
            lv[d] = taskState[dz + d];
        }
        int[] starts = Segments.sample(task, inner.segmentLength(), segments, seed);
        Batch data = Batch.ofRuns(task, starts, inner.segmentLength(), normalizer, dz, model.dtype());
        SplittableRandom rng = new SplittableRandom(seed);
        Elbo elbo = new Elbo(model, settings.beta());
        double[] eps = new double[data.size() * dz];
        double[] gMu = new double[dz];
        double[] gLv = new double[dz];

        double pre = model.loss(theta, data.setContext(new double[dz]).x(), data.y(), Loss.NLL);
        for (int s = 0; s < settings.posteriorSteps(); s++) {
            Elbo.sampleNoise(rng, eps, eps.length);
            elbo.lossAndGradients(theta, mu, lv, data, eps, null, gMu, gLv);
            for (int d = 0; d < dz; d++) {
                mu[d] -= settings.posteriorLr() * gMu[d];
                lv[d] -= settings.posteriorLr() * gLv[d];
            }
        }
        Elbo.sampleNoise(rng, eps, eps.length);
        INDArray direction = model.zeros();
        elbo.lossAndGradients(theta, mu, lv, data, eps, direction, gMu, gLv);
        double post = model.loss(theta, data.setContext(mu).x(), data.y(), Loss.NLL);

        float[] row = new float[2 * dz];
        for (int d = 0; d < dz; d++) {
            row[d] = (float) mu[d];
            row[dz + d] = (float) lv[d];
        }
        return new TaskUpdate(task.taskId(), direction, row, new double[] {pre, post, Elbo.kl(mu, lv)}, segments);
    }
}
