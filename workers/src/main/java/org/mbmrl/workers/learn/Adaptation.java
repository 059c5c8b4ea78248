package org.mbmrl.workers.learn;

import org.mbmrl.workers.model.Batch;
import org.mbmrl.workers.model.DynamicsModel;
import org.mbmrl.workers.model.Elementwise;
import org.mbmrl.workers.model.Loss;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Gradient-based adaptation, the inner loop of maml and reptile and the online adapter of GrBAL. */
public final class Adaptation {
    private Adaptation() {}

    /**
     * phi after {@code steps} gradient steps of rate {@code lr} on the {@code loss} of
     * {@code data}, from {@code theta} (eq. 3 applied k times). Returns a new array;
     * {@code theta} is not changed.
     */
    public static INDArray adapt(DynamicsModel model, INDArray theta, Batch data, int steps, double lr, Loss loss) {
        return adapt(model, theta, data, steps, lr, loss, null);
    }

    /**
     * As {@link #adapt(DynamicsModel, INDArray, Batch, int, double, Loss)} with per-parameter
     * factors on the step size ({@link StepScales}; null: all 1): phi -= lr c * grad.
     */
    public static INDArray adapt(DynamicsModel model, INDArray theta, Batch data, int steps, double lr, Loss loss,
            INDArray scales) {
        INDArray phi = theta.dup();
        if (scales == null) {
            // The common case, all parameters at one rate: no gradient vector at all.
            for (int j = 0; j < steps; j++) {
                model.lossAndStep(phi, data.x(), data.y(), loss, lr);
            }
            return phi;
        }
        INDArray g = model.zeros();
        for (int j = 0; j < steps; j++) {
            model.lossAndGradient(phi, data.x(), data.y(), loss, g, null);
            Elementwise.mul(g, scales);
            model.gradientStep(phi, g, lr, phi);
        }
        return phi;
    }
}
