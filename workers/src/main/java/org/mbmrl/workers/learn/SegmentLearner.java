package org.mbmrl.workers.learn;

import org.mbmrl.datasets.TaskTransitions;
import org.mbmrl.workers.algorithms.TaskLearner;
import org.mbmrl.workers.algorithms.TaskUpdate;
import org.mbmrl.workers.model.Batch;
import org.mbmrl.workers.model.DynamicsModel;
import org.mbmrl.workers.model.Elementwise;
import org.mbmrl.workers.model.Loss;
import org.mbmrl.workers.model.Normalizer;
import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The loop maml, reptile and pooled share (models without context, no per-task state): draw
 * the task's seeded segments of M + K consecutive transitions, let the algorithm compute each
 * segment's direction and losses, and average them. Subclasses implement only {@link #segment}.
 */
public abstract class SegmentLearner implements TaskLearner {
    private static final float[] NO_STATE = new float[0];

    protected final DynamicsModel model;
    protected final Normalizer normalizer;
    protected final InnerLoop inner;
    private final int segments;

    protected SegmentLearner(DynamicsModel model, Normalizer normalizer, InnerLoop inner, int segments) {
        if (segments < 1) {
            throw new IllegalArgumentException("train.segments must be >= 1; got " + segments);
        }
        if (model.contextDim() != 0) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " takes a model without context input; got"
                    + " context_dim " + model.contextDim());
        }
        this.model = model;
        this.normalizer = normalizer;
        this.inner = inner;
        this.segments = segments;
    }

    @Override
    public final TaskUpdate update(INDArray theta, float[] taskState, TaskTransitions task, long seed) {
        int[] starts = Segments.sample(task, inner.segmentLength(), segments, seed);
        INDArray sum = model.zeros();
        INDArray direction = model.zeros();
        double pre = 0;
        double post = 0;
        for (int start : starts) {
            double[] losses = segment(theta, task, start, reused(PAST, task, start, inner.past()),
                    reused(FUTURE, task, start + inner.past(), inner.future()), direction);
            Elementwise.add(sum, direction);
            pre += losses[0];
            post += losses[1];
        }
        Elementwise.divide(sum, segments);
        return new TaskUpdate(task.taskId(), sum, NO_STATE, new double[] {pre / segments, post / segments},
                segments);
    }

    /**
     * Writes the segment starting at row {@code start} ({@code past}: its M transitions,
     * {@code future}: the K after them) into {@code direction} and returns the NLL of the
     * future transitions before and after the inner loop adapts on the past ones. {@code past}
     * and {@code future} are reused for the next segment: do not keep them past the call.
     */
    protected abstract double[] segment(INDArray theta, TaskTransitions task, int start, Batch past, Batch future,
            INDArray direction);

    /** Rows {@code from .. from+count-1} of {@code task}, normalized, in the model's type. */
    protected Batch batch(TaskTransitions task, int from, int count) {
        return Batch.of(task, from, count, normalizer, 0, model.dtype());
    }

    private static final int PAST = 0;
    private static final int FUTURE = 1;

    private record BatchKey(int slot, int observationDim, int actionDim, int rows, DataType dtype) {}

    /** This thread's past and future batches, by shape (a few shapes per thread at most). */
    private static final ThreadLocal<Map<BatchKey, Batch>> BATCHES = ThreadLocal.withInitial(HashMap::new);

    /**
     * As {@link #batch}, but in this thread's arrays for {@code slot}, refilled for every
     * segment: valid only during the {@link #segment} call it is passed to (creating ND4J
     * arrays costs more than filling them).
     */
    private Batch reused(int slot, TaskTransitions task, int from, int count) {
        BatchKey key = new BatchKey(slot, task.observationDim(), task.actionDim(), count, model.dtype());
        Map<BatchKey, Batch> batches = BATCHES.get();
        Batch b = batches.get(key);
        if (b == null) {
            if (batches.size() > 16) {
                batches.clear();
            }
            b = batch(task, from, count);
            batches.put(key, b);
            return b;
        }
        return b.fill(task, new int[] {from}, count, normalizer);
    }

    /** NLL of {@code future} under theta and under theta adapted on {@code past} (the meta-test inner loop). */
    protected double[] prePost(INDArray theta, Batch past, Batch future) {
        INDArray phi = Adaptation.adapt(model, theta, past, inner.steps(), inner.lr(), inner.loss(),
                StepScales.of(model, inner.subspace(), theta, false));
        return new double[] {model.loss(theta, future.x(), future.y(), Loss.NLL),
            model.loss(phi, future.x(), future.y(), Loss.NLL)};
    }
}
