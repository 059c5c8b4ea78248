package org.mbmrl.workers.algorithms.famle;

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
 * FAMLE's meta-training for one sampled task i (survey IV-B, algorithm 3, lines 8-11), batched
 * over the meta-batch by the driver. For each of the task's seeded segments of M + K
 * transitions: from (theta, h_i), {@code famle.steps} joint SGD steps on the segment's NLL with
 * rates {@code famle.lr} (theta) and {@code famle.embedding_lr} (h) give (phi, h'), line 9. The
 * task contributes the mean of {@code phi - theta} (the driver moves theta by
 * {@code famle.epsilon} times the meta-batch mean, line 10) and its new embedding
 * {@code h_i + famle.embedding_epsilon * mean(h' - h_i)} (line 11).
 *
 * <p>Reported: the NLL of each segment's K future transitions at (theta, h_i), and after the
 * meta-test steps of eq. 18 ({@code adapt.steps} at {@code adapt.lr} on theta and
 * {@code famle.adapt_embedding_lr} on h) on its M past ones, starting from the task's own h_i.
 */
final class FamleLearner implements TaskLearner {
    private final DynamicsModel model;
    private final Normalizer normalizer;
    private final InnerLoop inner;
    private final Famle.Settings settings;
    private final int segments;

    FamleLearner(DynamicsModel model, Normalizer normalizer, InnerLoop inner, Famle.Settings settings, int segments) {
        if (model.contextDim() != settings.embeddingDim()) {
            throw new IllegalArgumentException("famle needs a model whose context input is famle.embedding_dim ("
                    + settings.embeddingDim() + ") wide; got " + model.contextDim());
        }
        this.model = model;
        this.normalizer = normalizer;
        this.inner = inner;
        this.settings = settings;
        this.segments = segments;
    }

    @Override
    public TaskUpdate update(INDArray theta, float[] taskState, TaskTransitions task, long seed) {
        int dh = settings.embeddingDim();
        if (taskState.length != dh) {
            throw new IllegalArgumentException("task " + task.taskId() + ": famle needs an embedding of " + dh
                    + " numbers; got " + taskState.length);
        }
        double[] h0 = new double[dh];
        for (int d = 0; d < dh; d++) {
            h0[d] = taskState[d];
        }
        EmbeddingSteps steps = new EmbeddingSteps(model);
        int[] starts = Segments.sample(task, inner.segmentLength(), segments, seed);
        INDArray direction = model.zeros();
        double[] embeddingMove = new double[dh];
        double pre = 0;
        double post = 0;
        INDArray phi = theta.dup();
        for (int start : starts) {
            // Line 9: (phi, h') = k joint SGD steps from (theta, h_i) on the segment.
            Batch segment = Batch.of(task, start, inner.segmentLength(), normalizer, dh, model.dtype());
            phi.assign(theta);
            double[] h = h0.clone();
            steps.run(phi, h, segment, settings.steps(), settings.lr(), settings.embeddingLr(), Loss.NLL);
            direction.addi(phi.subi(theta));
            for (int d = 0; d < dh; d++) {
                embeddingMove[d] += h[d] - h0[d];
            }

            // Metrics: eq. 18 on the M past transitions from (theta, h_i), judged on the K future.
            Batch past = Batch.of(task, start, inner.past(), normalizer, dh, model.dtype());
            Batch future = Batch.of(task, start + inner.past(), inner.future(), normalizer, dh, model.dtype());
            pre += model.loss(theta, future.setContext(h0).x(), future.y(), Loss.NLL);
            phi.assign(theta);
            double[] adapted = h0.clone();
            steps.run(phi, adapted, past, inner.steps(), inner.lr(), settings.adaptEmbeddingLr(), inner.loss());
            post += model.loss(phi, future.setContext(adapted).x(), future.y(), Loss.NLL);
        }
        float[] row = new float[dh];
        for (int d = 0; d < dh; d++) {
            row[d] = (float) (h0[d] + settings.embeddingEpsilon() * embeddingMove[d] / segments);
        }
        return new TaskUpdate(task.taskId(), direction.divi(segments), row, new double[] {pre / segments, post / segments},
                segments);
    }
}
