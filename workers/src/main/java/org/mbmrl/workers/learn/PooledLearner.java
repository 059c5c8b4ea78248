package org.mbmrl.workers.learn;

import org.mbmrl.datasets.TaskTransitions;
import org.mbmrl.workers.model.Batch;
import org.mbmrl.workers.model.GaussianMlp;
import org.mbmrl.workers.model.Normalizer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The non-meta baseline (MB; survey II-F eq. 10): the plain NLL gradient at theta on each
 * sampled segment of M + K transitions, so it sees the same data as maml. The driver applies
 * Adam to the meta-batch mean. The reported losses are those of the meta-test adaptation.
 */
public final class PooledLearner implements TaskLearner {
    private static final float[] NO_CONTEXT = new float[0];

    private final GaussianMlp model;
    private final Normalizer normalizer;
    private final InnerLoop inner;
    private final int segments;

    public PooledLearner(GaussianMlp model, Normalizer normalizer, InnerLoop inner, int segments) {
        if (segments < 1) {
            throw new IllegalArgumentException("train.segments must be >= 1; got " + segments);
        }
        this.model = model;
        this.normalizer = normalizer;
        this.inner = inner;
        this.segments = segments;
    }

    @Override
    public TaskUpdate update(INDArray theta, TaskTransitions task, long seed) {
        int[] starts = Segments.sample(task, inner.segmentLength(), segments, seed);
        INDArray sum = model.zeros();
        INDArray g = model.zeros();
        double pre = 0;
        double post = 0;
        for (int start : starts) {
            Batch segment = Batch.of(task, start, inner.segmentLength(), normalizer, NO_CONTEXT, model.dtype());
            model.lossAndGradient(theta, segment.x(), segment.y(), g);
            sum.addi(g);
            double[] pp = PrePost.of(model, theta, task, start, normalizer, inner);
            pre += pp[0];
            post += pp[1];
        }
        return new TaskUpdate(task.taskId(), sum.divi(segments), pre / segments, post / segments, segments);
    }
}
