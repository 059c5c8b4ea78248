package org.mbmrl.workers.algorithms.rebal;

import org.mbmrl.workers.control.AdaptedModel;
import org.mbmrl.workers.control.OnlineAdapter;
import org.mbmrl.workers.model.Batch;
import org.mbmrl.workers.model.RecurrentGaussianModel;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * ReBAL's online adaptation (survey IV-A, algorithm 2, with eq. 7's recurrent learner): theta*
 * stays fixed and, at every control step, the GRU reads the last M transitions of the episode
 * from h = 0; its last hidden state is the decoder's context, which the planner holds fixed
 * over its horizon (as GrBAL holds its adapted parameters). Nothing is carried between steps
 * but the window itself, so a change of dynamics leaves the model after M steps at most.
 */
final class RebalAdapter implements OnlineAdapter {
    public static final String NAME = "rebal";

    private final RecurrentGaussianModel model;
    private final INDArray thetaStar;

    RebalAdapter(RecurrentGaussianModel model, INDArray thetaStar) {
        this.model = model;
        this.thetaStar = thetaStar;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void reset() {}

    @Override
    public AdaptedModel adapt(Batch window) {
        return new AdaptedModel(thetaStar, model.encode(thetaStar, window));
    }
}
