package org.mbmrl.workers.control;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The model a planner rolls out with at one control step: parameters ({@code [1, P]}) and the
 * context input appended to every row ({@code contextDim} numbers; empty for a model without one).
 */
public record AdaptedModel(INDArray parameters, double[] context) {
    private static final double[] NONE = new double[0];

    /** Parameters without a context. */
    public static AdaptedModel of(INDArray parameters) {
        return new AdaptedModel(parameters, NONE);
    }
}
