package org.mbmrl.workers.learn;

import java.util.Arrays;
import java.util.Locale;
import org.mbmrl.workers.model.DynamicsModel;
import org.mbmrl.workers.model.GaussianMlp;
import org.mbmrl.workers.model.MlpSpec;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The part of theta that gradient adaptation moves ({@code adapt.subspace}): every parameter,
 * or only the output layer's weights and biases, as ANIL adapts only the head (Raghu et al.
 * 2020): the hidden layers' features stay those meta-training found, so a few steps on a window
 * of near-identical transitions cannot distort the representation the planner relies on.
 */
public enum Subspace {
    ALL,
    LAST_LAYER;

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Subspace parse(String field, String name) {
        for (Subspace s : values()) {
            if (s.configName().equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException(field + " must be one of " + Arrays.stream(values()).map(Subspace::configName)
                .toList() + "; got '" + name + "'");
    }

    /**
     * The 0/1 mask of the parameters this subspace adapts, {@code [1, P]} in the model's type
     * (the parameters after the MLP's own, such as learned step sizes, are never adapted).
     */
    public INDArray mask(DynamicsModel model) {
        if (!(model instanceof GaussianMlp g)) {
            throw new IllegalArgumentException("adapt.subspace=" + configName() + " adapts a Gaussian MLP's parameters; got "
                    + model.getClass().getSimpleName());
        }
        MlpSpec spec = g.spec();
        double[] m = new double[model.parameterCount()];
        int from = this == ALL ? 0 : (int) spec.weightOffset(spec.layers() - 1);
        Arrays.fill(m, from, spec.parameterCount(), 1.0);
        return Nd4j.create(m, new long[] {1, m.length}, org.nd4j.linalg.api.buffer.DataType.DOUBLE).castTo(model.dtype());
    }
}
