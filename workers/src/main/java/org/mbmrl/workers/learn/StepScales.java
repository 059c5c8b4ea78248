package org.mbmrl.workers.learn;

import org.mbmrl.workers.model.DynamicsModel;
import org.mbmrl.workers.model.GaussianMlp;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The per-parameter factors of the inner step size alpha: gradient adaptation steps parameter i
 * by {@code alpha c_i} times its gradient, with {@code c} the {@link Subspace}'s 0/1 mask times,
 * with Meta-SGD's learned rates (Li et al. 2017; {@link org.mbmrl.workers.model.LearnedRateSpec}),
 * {@code exp(s_i)} from theta's log-scales. The learned log-scales themselves have factor 0.
 */
public final class StepScales {
    private StepScales() {}

    /** {@code c} for {@code theta}, {@code [1, P]}; null when every factor is 1 (all parameters, no learned rates). */
    public static INDArray of(DynamicsModel model, Subspace subspace, INDArray theta, boolean learnedRates) {
        if (subspace == Subspace.ALL && !learnedRates) {
            return null;
        }
        INDArray c = subspace.mask(model);
        if (learnedRates) {
            int p = ((GaussianMlp) model).spec().parameterCount();
            if (model.parameterCount() != 2 * p) {
                throw new IllegalStateException("learned step sizes need a model of 2 x " + p + " parameters; got "
                        + model.parameterCount());
            }
            INDArray scales = Transforms.exp(theta.get(NDArrayIndex.point(0), NDArrayIndex.interval(p, 2 * p)), true);
            c.get(NDArrayIndex.point(0), NDArrayIndex.interval(0, p)).muli(scales);
        }
        return c;
    }
}
