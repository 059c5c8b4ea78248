package org.mbmrl.workers.model;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * A Gaussian MLP with Meta-SGD's learned per-parameter inner step sizes (Li et al. 2017) as
 * meta-parameters: theta is the MLP's P parameters (DL4J's layout, {@link MlpSpec}) followed by
 * P log-scales s, one per parameter; the inner loop steps parameter i by
 * {@code alpha exp(s_i)} times its gradient. The log-scales start at 0 (every step size alpha)
 * and are meta-trained with the weights; the predictions do not read them.
 */
public record LearnedRateSpec(MlpSpec mlp) implements ModelSpec {

    public LearnedRateSpec {
        if (mlp == null) {
            throw new IllegalArgumentException("a learned-rate model needs its MLP; got null");
        }
    }

    @Override
    public int observationDim() {
        return mlp.observationDim();
    }

    @Override
    public int actionDim() {
        return mlp.actionDim();
    }

    @Override
    public int contextDim() {
        return mlp.contextDim();
    }

    /** First element of the log-scales in the flat vector. */
    public int scaleOffset() {
        return mlp.parameterCount();
    }

    @Override
    public int parameterCount() {
        return Math.multiplyExact(2, mlp.parameterCount());
    }

    @Override
    public GaussianMlp create(DataType dtype) {
        return new GaussianMlp(mlp, dtype, mlp.parameterCount());
    }
}
