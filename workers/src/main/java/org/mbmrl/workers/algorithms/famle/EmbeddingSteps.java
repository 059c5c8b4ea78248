package org.mbmrl.workers.algorithms.famle;

import org.mbmrl.workers.model.Batch;
import org.mbmrl.workers.model.DynamicsModel;
import org.mbmrl.workers.model.Loss;
import org.mbmrl.workers.model.NdBuffers;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * FAMLE's gradient step on the network and the situation embedding together, the update rule of
 * its meta-training inner loop (survey IV-B, algorithm 3 line 9, "k steps of SGD") and of its
 * online adaptation (eq. 18):
 *
 * <pre>  theta <- theta - alpha grad_theta L(theta, h),   h <- h - beta grad_h L(theta, h)</pre>
 *
 * with L the mean NLL of the batch whose every row carries h as its context input, so
 * grad_h L is the sum over rows of the model's per-row context gradients. Buffers are kept
 * between calls (one per batch size). Not thread-safe.
 */
final class EmbeddingSteps {
    private final DynamicsModel model;
    private final INDArray gradient;
    private final double[] embeddingGradient;
    private INDArray contextGradient;
    private double[] rowGradients;

    EmbeddingSteps(DynamicsModel model) {
        this.model = model;
        this.gradient = model.zeros();
        this.embeddingGradient = new double[model.contextDim()];
    }

    /**
     * {@code steps} joint steps from ({@code theta}, {@code h}), both updated in place; returns the
     * loss before the last step (NaN if {@code steps} is 0).
     */
    double run(INDArray theta, double[] h, Batch data, int steps, double alpha, double beta, Loss loss) {
        double value = Double.NaN;
        for (int j = 0; j < steps; j++) {
            value = lossAndGradients(theta, h, data, loss, gradient, null);
            theta.subi(gradient.muli(alpha));
            for (int d = 0; d < h.length; d++) {
                h[d] -= beta * embeddingGradient[d];
            }
        }
        return value;
    }

    /**
     * The loss of {@code data} with context {@code h} at {@code theta}; its gradient with respect
     * to theta into {@code thetaGradient} (null: not computed) and with respect to h into
     * {@code hGradient} (null: kept in this object for {@link #run}).
     */
    double lossAndGradients(INDArray theta, double[] h, Batch data, Loss loss, INDArray thetaGradient, double[] hGradient) {
        int rows = data.size();
        int dc = model.contextDim();
        if (h.length != dc) {
            throw new IllegalArgumentException("expected an embedding of " + dc + " numbers; got " + h.length);
        }
        if (contextGradient == null || contextGradient.rows() != rows) {
            contextGradient = org.nd4j.linalg.factory.Nd4j.createUninitialized(model.dtype(), rows, dc);
            rowGradients = new double[rows * dc];
        }
        data.setContext(h);
        double value = model.lossAndGradient(theta, data.x(), data.y(), loss, thetaGradient, contextGradient);
        NdBuffers.read(contextGradient, rowGradients, rows * dc);
        double[] out = hGradient != null ? hGradient : embeddingGradient;
        for (int d = 0; d < dc; d++) {
            double sum = 0;
            for (int r = 0; r < rows; r++) {
                sum += rowGradients[r * dc + d];
            }
            out[d] = sum;
        }
        return value;
    }
}
