package org.mbmrl.workers.model;

import java.io.Serializable;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The architecture of a dynamics model: a small serializable value that travels in Spark
 * closures and checkpoint manifests, from which each executor builds its {@link DynamicsModel}.
 */
public interface ModelSpec extends Serializable {

    int observationDim();

    int actionDim();

    int contextDim();

    int parameterCount();

    /**
     * The Gaussian MLP that maps an input row to the prediction: the whole model, or the
     * decoder of a recurrent one ({@link RecurrentSpec}), whose parameters come first.
     */
    MlpSpec mlp();

    /** The model of this architecture computing in {@code dtype}. */
    DynamicsModel create(DataType dtype);
}
