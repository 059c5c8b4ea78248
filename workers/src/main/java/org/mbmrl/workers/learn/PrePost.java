package org.mbmrl.workers.learn;

import org.mbmrl.datasets.TaskTransitions;
import org.mbmrl.workers.model.Batch;
import org.mbmrl.workers.model.GaussianMlp;
import org.mbmrl.workers.model.Normalizer;
import org.nd4j.linalg.api.ndarray.INDArray;

/** NLL of a segment's K future transitions before and after adapting on its M past ones. */
final class PrePost {
    private static final float[] NO_CONTEXT = new float[0];

    private PrePost() {}

    static double[] of(GaussianMlp model, INDArray theta, TaskTransitions task, int start, Normalizer norm, InnerLoop inner) {
        Batch past = Batch.of(task, start, inner.past(), norm, NO_CONTEXT, model.dtype());
        Batch future = Batch.of(task, start + inner.past(), inner.future(), norm, NO_CONTEXT, model.dtype());
        INDArray phi = Adaptation.adapt(model, theta, past, inner.steps(), inner.lr());
        return new double[] {model.loss(theta, future.x(), future.y()), model.loss(phi, future.x(), future.y())};
    }
}
