package org.mbmrl.workers.learn;

import org.mbmrl.datasets.TaskTransitions;
import org.mbmrl.workers.model.Batch;
import org.mbmrl.workers.model.GaussianMlp;
import org.mbmrl.workers.model.Normalizer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Reptile (survey II-C eq. 5-6): for each sampled segment of M + K transitions, phi is theta
 * after {@code steps} gradient steps with rate {@code lr} on the whole segment; the task's
 * contribution is {@code phi - theta}, and the driver moves theta toward the meta-batch mean,
 * {@code theta += epsilon * mean(phi - theta)}. The reported losses are those of the
 * meta-test adaptation (the {@link InnerLoop}), so curves compare across algorithms.
 */
public final class ReptileLearner implements TaskLearner {
    private static final float[] NO_CONTEXT = new float[0];

    private final GaussianMlp model;
    private final Normalizer normalizer;
    private final InnerLoop inner;
    private final int steps;
    private final double lr;
    private final int segments;

    public ReptileLearner(GaussianMlp model, Normalizer normalizer, InnerLoop inner, int steps, double lr, int segments) {
        if (steps < 1) {
            throw new IllegalArgumentException("reptile.steps must be >= 1; got " + steps);
        }
        if (!(lr > 0) || !Double.isFinite(lr)) {
            throw new IllegalArgumentException("reptile.lr must be a finite number > 0; got " + lr);
        }
        if (segments < 1) {
            throw new IllegalArgumentException("train.segments must be >= 1; got " + segments);
        }
        this.model = model;
        this.normalizer = normalizer;
        this.inner = inner;
        this.steps = steps;
        this.lr = lr;
        this.segments = segments;
    }

    @Override
    public TaskUpdate update(INDArray theta, TaskTransitions task, long seed) {
        int[] starts = Segments.sample(task, inner.segmentLength(), segments, seed);
        INDArray sum = model.zeros();
        double pre = 0;
        double post = 0;
        for (int start : starts) {
            Batch segment = Batch.of(task, start, inner.segmentLength(), normalizer, NO_CONTEXT, model.dtype());
            INDArray phi = Adaptation.adapt(model, theta, segment, steps, lr);
            sum.addi(phi.subi(theta));
            double[] pp = PrePost.of(model, theta, task, start, normalizer, inner);
            pre += pp[0];
            post += pp[1];
        }
        return new TaskUpdate(task.taskId(), sum.divi(segments), pre / segments, post / segments, segments);
    }
}
