package org.mbmrl.workers.control;

import org.mbmrl.workers.model.Batch;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * MB: no online adaptation, the planner always uses theta* (returned as is, never copied or
 * changed) with a fixed context (empty for models without one; FAMLE: the mean training
 * embedding, VI: the prior mean).
 */
public final class NoAdapter implements OnlineAdapter {
    public static final String NAME = "none";
    private final AdaptedModel model;

    public NoAdapter(INDArray thetaStar) {
        this.model = AdaptedModel.of(thetaStar);
    }

    public NoAdapter(INDArray thetaStar, double[] context) {
        this.model = new AdaptedModel(thetaStar, context.clone());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void reset() {}

    @Override
    public AdaptedModel adapt(Batch window) {
        return model;
    }
}
