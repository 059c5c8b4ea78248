package org.mbmrl.workers.learn;

import org.mbmrl.datasets.TaskTransitions;
import org.mbmrl.workers.control.AdaptedModel;
import org.mbmrl.workers.control.OnlineAdapter;
import org.mbmrl.workers.model.Batch;
import org.mbmrl.workers.model.DynamicsModel;
import org.mbmrl.workers.model.Loss;
import org.mbmrl.workers.model.Normalizer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Meta-test on held-out tasks: for each of a task's seeded segments of M + K transitions, the
 * K-step prediction error of the model before adaptation (the adapter with no data: theta*,
 * and FAMLE's mean embedding or VI's prior mean) and after the algorithm's meta-test adapter
 * saw the M past transitions (GrBAL's k steps, FAMLE's eq. 17 + 18, VI's eq. 23).
 */
public final class AdaptationEvaluator {
    private final DynamicsModel model;
    private final Normalizer normalizer;
    private final OnlineAdapter adapter;
    private final int past;
    private final int future;
    private final int segments;
    private final INDArray targetStd;

    public AdaptationEvaluator(DynamicsModel model, Normalizer normalizer, OnlineAdapter adapter, int past, int future,
            int segments) {
        if (segments < 1) {
            throw new IllegalArgumentException("evaluate.segments must be >= 1; got " + segments);
        }
        this.model = model;
        this.normalizer = normalizer;
        this.adapter = adapter;
        this.past = past;
        this.future = future;
        this.segments = segments;
        float[] ts = normalizer.targetStd();
        this.targetStd = Nd4j.create(ts, new long[] {1, ts.length}).castTo(model.dtype());
    }

    public TaskEvaluation evaluate(TaskTransitions task, long seed) {
        int[] starts = Segments.sample(task, past + future, segments, seed);
        double nllBefore = 0;
        double nllAfter = 0;
        double mseBefore = 0;
        double mseAfter = 0;
        for (int start : starts) {
            Batch window = Batch.of(task, start, past, normalizer, model.contextDim(), model.dtype());
            Batch next = Batch.of(task, start + past, future, normalizer, model.contextDim(), model.dtype());
            adapter.reset();
            AdaptedModel before = adapter.adapt(null);
            nllBefore += nll(before, next);
            mseBefore += observationMse(before, next);
            AdaptedModel after = adapter.adapt(window);
            nllAfter += nll(after, next);
            mseAfter += observationMse(after, next);
        }
        return new TaskEvaluation(task.taskId(), segments, nllBefore / segments, nllAfter / segments,
                mseBefore / segments, mseAfter / segments);
    }

    private double nll(AdaptedModel m, Batch b) {
        b.setContext(m.context());
        return model.loss(m.parameters(), b.x(), b.y(), Loss.NLL);
    }

    /** Mean squared error of the predicted next observation, in observation units. */
    private double observationMse(AdaptedModel m, Batch b) {
        b.setContext(m.context());
        INDArray r = model.predict(m.parameters(), b.x()).mean().subi(b.y()).muliRowVector(targetStd);
        return r.muli(r).sumNumber().doubleValue() / r.length();
    }
}
