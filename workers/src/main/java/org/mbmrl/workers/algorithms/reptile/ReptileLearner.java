package org.mbmrl.workers.algorithms.reptile;

import org.mbmrl.datasets.TaskTransitions;
import org.mbmrl.workers.learn.Adaptation;
import org.mbmrl.workers.learn.InnerLoop;
import org.mbmrl.workers.learn.SegmentLearner;
import org.mbmrl.workers.model.Batch;
import org.mbmrl.workers.model.DynamicsModel;
import org.mbmrl.workers.model.Loss;
import org.mbmrl.workers.model.Normalizer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Reptile (survey II-C eq. 5-6): for each sampled segment of M + K transitions, phi is theta
 * after {@code steps} gradient steps with rate {@code lr} on the whole segment; the task's
 * contribution is {@code phi - theta}, and the driver moves theta toward the meta-batch mean,
 * {@code theta += epsilon * mean(phi - theta)}. The reported losses are those of the
 * meta-test adaptation (the {@link InnerLoop}), so curves compare across algorithms.
 */
public final class ReptileLearner extends SegmentLearner {
    private final int steps;
    private final double lr;

    public ReptileLearner(DynamicsModel model, Normalizer normalizer, InnerLoop inner, int steps, double lr, int segments) {
        super(model, normalizer, inner, segments);
        if (steps < 1) {
            throw new IllegalArgumentException("reptile.steps must be >= 1; got " + steps);
        }
        if (!(lr > 0) || !Double.isFinite(lr)) {
            throw new IllegalArgumentException("reptile.lr must be a finite number > 0; got " + lr);
        }
        this.steps = steps;
        this.lr = lr;
    }

    @Override
    protected double[] segment(INDArray theta, TaskTransitions task, int start, Batch past, Batch future, INDArray direction) {
        // Always the NLL: Reptile has no outer loss, so its steps alone must train the variance
        // too (the configuration rejects adapt.loss=mse for reptile).
        INDArray phi = Adaptation.adapt(model, theta, batch(task, start, inner.segmentLength()), steps, lr, Loss.NLL);
        direction.assign(phi.subi(theta));
        return prePost(theta, past, future);
    }
}
