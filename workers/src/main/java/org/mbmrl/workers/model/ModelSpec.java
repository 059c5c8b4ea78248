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

    /**
     * The parameters after the MLP's that an export writes beside the DL4J network, if any.
     * (Learned step sizes, which also follow the MLP's parameters, are not part of the model a
     * user deploys and are left out.)
     */
    default java.util.Optional<ExportedSideArray> exportedSideArray() {
        return java.util.Optional.empty();
    }
}
