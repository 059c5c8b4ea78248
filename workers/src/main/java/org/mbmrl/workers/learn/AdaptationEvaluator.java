package org.mbmrl.workers.learn;

import org.mbmrl.datasets.TaskTransitions;
import org.mbmrl.workers.model.Batch;
import org.mbmrl.workers.model.GaussianMlp;
import org.mbmrl.workers.model.Normalizer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Meta-test on held-out tasks: for each of a task's seeded segments, the K-step prediction
 * error of theta and of phi = adapt(theta, M past transitions).
 */
public final class AdaptationEvaluator {
    private static final float[] NO_CONTEXT = new float[0];

    private final GaussianMlp model;
    private final Normalizer normalizer;
    private final InnerLoop inner;
    private final int segments;
    private final INDArray targetStd;

    public AdaptationEvaluator(GaussianMlp model, Normalizer normalizer, InnerLoop inner, int segments) {
        if (segments < 1) {
            throw new IllegalArgumentException("evaluate.segments must be >= 1; got " + segments);
        }
        this.model = model;
        this.normalizer = normalizer;
        this.inner = inner;
        this.segments = segments;
        float[] ts = normalizer.targetStd();
        this.targetStd = Nd4j.create(ts, new long[] {1, ts.length}).castTo(model.dtype());
    }

    public TaskEvaluation evaluate(INDArray theta, TaskTransitions task, long seed) {
        int[] starts = Segments.sample(task, inner.segmentLength(), segments, seed);
        double nllBefore = 0;
        double nllAfter = 0;
        double mseBefore = 0;
        double mseAfter = 0;
        for (int start : starts) {
            Batch past = Batch.of(task, start, inner.past(), normalizer, NO_CONTEXT, model.dtype());
            Batch future = Batch.of(task, start + inner.past(), inner.future(), normalizer, NO_CONTEXT, model.dtype());
            INDArray phi = Adaptation.adapt(model, theta, past, inner.steps(), inner.lr(), inner.loss());
            nllBefore += model.loss(theta, future.x(), future.y());
            nllAfter += model.loss(phi, future.x(), future.y());
            mseBefore += observationMse(theta, future);
            mseAfter += observationMse(phi, future);
        }
        return new TaskEvaluation(task.taskId(), segments, nllBefore / segments, nllAfter / segments,
                mseBefore / segments, mseAfter / segments);
    }

    /** Mean squared error of the predicted next observation, in observation units. */
    private double observationMse(INDArray params, Batch b) {
        INDArray r = model.predict(params, b.x()).mean().subi(b.y()).muliRowVector(targetStd);
        return r.muli(r).sumNumber().doubleValue() / r.length();
    }
}
