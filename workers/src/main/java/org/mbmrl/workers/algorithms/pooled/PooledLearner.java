package org.mbmrl.workers.algorithms.pooled;

import org.mbmrl.datasets.TaskTransitions;
import org.mbmrl.workers.learn.InnerLoop;
import org.mbmrl.workers.learn.SegmentLearner;
import org.mbmrl.workers.model.Batch;
import org.mbmrl.workers.model.DynamicsModel;
import org.mbmrl.workers.model.Loss;
import org.mbmrl.workers.model.Normalizer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The non-meta baseline (MB; survey II-F eq. 10): the plain NLL gradient at theta on each
 * sampled segment of M + K transitions, so it sees the same data as maml. The driver applies
 * Adam to the meta-batch mean. The reported losses are those of the meta-test adaptation.
 */
public final class PooledLearner extends SegmentLearner {

    public PooledLearner(DynamicsModel model, Normalizer normalizer, InnerLoop inner, int segments) {
        super(model, normalizer, inner, segments);
    }

    @Override
    protected double[] segment(INDArray theta, TaskTransitions task, int start, Batch past, Batch future, INDArray direction) {
        Batch whole = batch(task, start, inner.segmentLength());
        model.lossAndGradient(theta, whole.x(), whole.y(), Loss.NLL, direction, null);
        return prePost(theta, past, future);
    }
}
