package org.mbmrl.workers.model;

import java.util.Optional;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A probabilistic dynamics model p_theta(s' - s | s, a, c): what every learner, online adapter,
 * planner dynamics, evaluator and export works against, so that an algorithm never names a
 * concrete network. Inputs are rows {@code x = [normalized observation | normalized action |
 * context]}, {@code B x inputDim()}; the context is a per-row vector the caller owns and may
 * learn (a FAMLE embedding, a VI latent sample; survey IV-B, IV-C), so the model gives the
 * gradient of its loss with respect to the context as well as to theta. Outputs are the mean
 * and log-variance of the normalized state change ({@link Prediction}); targets {@code y} are
 * the normalized state change, {@code B x observationDim()}.
 *
 * <p>The model is stateless: every call takes the flat parameter vector {@code theta}
 * ({@code [1, parameterCount()]}), so one instance serves any number of adapted copies. A
 * second-order capability (Hessian-vector products) is optional ({@link #secondOrder()});
 * maml asks for it only with {@code train.second_order}. A recurrent model (ReBAL) would add
 * a hidden state carried across calls; its planner dynamics would then hold that state as
 * {@code ModelDynamics} holds the context.
 */
public interface DynamicsModel {

    /** Width of the observation (and of the predicted state change). */
    int observationDim();

    int actionDim();

    /** Width of the context input; 0 for a model without one. */
    int contextDim();

    /** Columns of an input row: observation, action, context. */
    default int inputDim() {
        return observationDim() + actionDim() + contextDim();
    }

    /** First column of the context in an input row. */
    default int contextOffset() {
        return observationDim() + actionDim();
    }

    int parameterCount();

    /** FLOAT (training, control) or DOUBLE (gradient checks); every array passed in has this type. */
    DataType dtype();

    /** Seeded initial parameters, {@code [1, parameterCount()]}. */
    INDArray initialParameters(long seed);

    /** A new zero vector shaped like the parameters. */
    default INDArray zeros() {
        return Nd4j.zeros(dtype(), 1, parameterCount());
    }

    /** Predicted mean and (bounded) log-variance of the normalized state change, each {@code B x observationDim()}. */
    Prediction predict(INDArray theta, INDArray x);

    /** The mean {@code loss} over the {@code B} rows (each row's loss is summed over the state dimensions). */
    double loss(INDArray theta, INDArray x, INDArray y, Loss loss);

    /** Each row's {@code loss} (summed over the state dimensions) into {@code perRow[0 .. B)}; returns their mean. */
    double rowLosses(INDArray theta, INDArray x, INDArray y, Loss loss, double[] perRow);

    /**
     * The mean {@code loss} at {@code theta}; its gradient with respect to theta is written into
     * {@code gradient} ({@code [1, P]}, overwritten; null: not computed), and with respect to each
     * row's context into {@code contextGradient} ({@code B x contextDim()}, overwritten; null: not
     * computed). The context gradient of row b is d(mean loss)/d(c_b), so it carries the 1/B.
     */
    double lossAndGradient(INDArray theta, INDArray x, INDArray y, Loss loss, INDArray gradient, INDArray contextGradient);

    /** The Hessian-vector products of this model, if it has them. */
    /**
     * A gradient step {@code out = theta - lr g} (rounded as {@link Elementwise#subScaled};
     * {@code out} may be {@code theta}). A model whose products split over kernel threads may
     * split the step the same way, so that each thread rewrites the parameters it reads.
     */
    default void gradientStep(INDArray theta, INDArray g, double lr, INDArray out) {
        Elementwise.subScaled(theta, g, lr, out);
    }

    /**
     * One gradient step of the mean {@code loss} in place, {@code theta -= lr grad}; returns the
     * loss before the step. Equal to {@link #lossAndGradient} then {@link #gradientStep} up to
     * rounding; a model may compute it without a gradient vector (its bits are then its own,
     * the same for a given thread count and input). This default allocates a gradient per call.
     */
    default double lossAndStep(INDArray theta, INDArray x, INDArray y, Loss loss, double lr) {
        INDArray g = zeros();
        double value = lossAndGradient(theta, x, y, loss, g, null);
        gradientStep(theta, g, lr, theta);
        return value;
    }

    default Optional<SecondOrder> secondOrder() {
        return Optional.empty();
    }

    /** The mean and log-variance of a prediction. */
    record Prediction(INDArray mean, INDArray logVariance) {}

    /** Exact second-order information: the Hessian of the loss with respect to theta applied to a vector. */
    interface SecondOrder {
        /** H(theta) v of the mean {@code loss}, written into {@code out}. */
        void hessianVectorProduct(INDArray theta, INDArray x, INDArray y, INDArray v, INDArray out, Loss loss);

        /**
         * A record of one forward pass, so that a Hessian-vector product at the same (theta, x)
         * can skip recomputing it (second-order MAML takes the inner step's gradient and later
         * the Hessian at the same point).
         */
        interface Forward {}

        /**
         * This thread's record number {@code slot} for batches of {@code rows} rows: reused by
         * the next request for the same slot and size on this thread.
         */
        Forward forwardRecord(int rows, int slot);

        /** As {@link DynamicsModel#lossAndGradient} without a context gradient, keeping its forward pass in {@code keep}. */
        double lossAndGradientKeeping(INDArray theta, INDArray x, INDArray y, Loss loss, INDArray gradient, Forward keep);

        /**
         * As {@link #hessianVectorProduct(INDArray, INDArray, INDArray, INDArray, INDArray, Loss)},
         * its forward pass taken from {@code kept}, which must hold the one at this theta and x
         * (neither changed since).
         */
        void hessianVectorProduct(INDArray theta, INDArray x, INDArray y, INDArray v, INDArray out, Loss loss, Forward kept);
    }
}
