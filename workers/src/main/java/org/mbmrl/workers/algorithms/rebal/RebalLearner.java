package org.mbmrl.workers.algorithms.rebal;

import org.mbmrl.datasets.TaskTransitions;
import org.mbmrl.workers.algorithms.TaskLearner;
import org.mbmrl.workers.algorithms.TaskUpdate;
import org.mbmrl.workers.learn.InnerLoop;
import org.mbmrl.workers.learn.Segments;
import org.mbmrl.workers.model.Batch;
import org.mbmrl.workers.model.GruEncoder;
import org.mbmrl.workers.model.Loss;
import org.mbmrl.workers.model.NdBuffers;
import org.mbmrl.workers.model.Normalizer;
import org.mbmrl.workers.model.RecurrentGaussianModel;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One task's step of ReBAL (survey II-D eq. 7 and 8 with IV-A eq. 11, as algorithm 1 runs
 * them): for each of the task's seeded segments of M + K transitions, the GRU reads the M past
 * ones, phi = (theta, h_M) = RNN(D_past; theta) (eq. 7), and the loss is the NLL of the K
 * future ones under the decoder conditioned on h_M (eq. 11). The direction is that loss's
 * gradient with respect to all of theta, decoder and encoder, the encoder's part by
 * backpropagation through time; the driver's Adam applies eq. 8. The segments run as one
 * batch of sequences. Metrics: the future NLL with h = 0 (before) and with h_M (after).
 */
final class RebalLearner implements TaskLearner {
    private static final float[] NO_STATE = new float[0];

    private final RecurrentGaussianModel model;
    private final Normalizer normalizer;
    private final InnerLoop inner;
    private final int segments;

    RebalLearner(RecurrentGaussianModel model, Normalizer normalizer, InnerLoop inner, int segments) {
        if (segments < 1) {
            throw new IllegalArgumentException("train.segments must be >= 1; got " + segments);
        }
        this.model = model;
        this.normalizer = normalizer;
        this.inner = inner;
        this.segments = segments;
    }

    @Override
    public TaskUpdate update(INDArray theta, float[] taskState, TaskTransitions task, long seed) {
        int m = inner.past();
        int k = inner.future();
        int[] starts = Segments.sample(task, inner.segmentLength(), segments, seed);
        int[] futureStarts = new int[starts.length];
        for (int i = 0; i < starts.length; i++) {
            futureStarts[i] = starts[i] + m;
        }
        int h = model.contextDim();
        Batch past = Batch.ofRuns(task, starts, m, normalizer, h, model.dtype());
        Batch future = Batch.ofRuns(task, futureStarts, k, normalizer, h, model.dtype());
        double before = model.loss(theta, future.x(), future.y(), Loss.NLL);
        INDArray direction = model.zeros();
        double after = outerLossAndGradient(theta, past, future, starts.length, direction);
        return new TaskUpdate(task.taskId(), direction, NO_STATE, new double[] {before, after}, starts.length);
    }

    /**
     * The mean future NLL of {@code sequences} segments ({@code past}: their M past rows,
     * {@code future}: their K future rows, segment by segment) under the decoder conditioned on
     * each segment's h_M; its gradient with respect to theta is written into {@code gradient}.
     * The future rows' context columns are overwritten.
     */
    static double outerLossAndGradient(RecurrentGaussianModel model, INDArray theta, Batch past, Batch future,
            int sequences, INDArray gradient) {
        int h = model.contextDim();
        int m = past.size() / sequences;
        int k = future.size() / sequences;
        GruEncoder encoder = model.newEncoder();
        double[] encoderTheta = model.encoderParameters(theta);
        double[] last = encoder.forward(encoderTheta, model.encoderInputs(past, sequences, m), sequences);
        double[] context = new double[future.size() * h];
        for (int b = 0; b < sequences; b++) {
            for (int t = 0; t < k; t++) {
                System.arraycopy(last, b * h, context, (b * k + t) * h, h);
            }
        }
        future.setContextRows(context, h);
        INDArray contextGradient = Nd4j.create(model.dtype(), future.size(), h);
        double loss = model.lossAndGradient(theta, future.x(), future.y(), Loss.NLL, gradient, contextGradient);
        double[] perRow = new double[future.size() * h];
        NdBuffers.read(contextGradient, perRow, perRow.length);
        double[] dLast = new double[sequences * h];
        for (int b = 0; b < sequences; b++) {
            for (int t = 0; t < k; t++) {
                for (int j = 0; j < h; j++) {
                    dLast[b * h + j] += perRow[(b * k + t) * h + j];
                }
            }
        }
        double[] encoderGradient = new double[encoderTheta.length];
        encoder.backward(encoderTheta, dLast, encoderGradient);
        model.writeEncoderGradient(encoderGradient, gradient);
        return loss;
    }

    private double outerLossAndGradient(INDArray theta, Batch past, Batch future, int sequences, INDArray gradient) {
        return outerLossAndGradient(model, theta, past, future, sequences, gradient);
    }
}
