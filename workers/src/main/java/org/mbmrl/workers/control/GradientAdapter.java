package org.mbmrl.workers.control;

import org.mbmrl.workers.learn.Adaptation;
import org.mbmrl.workers.model.Batch;
import org.mbmrl.workers.model.DynamicsModel;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * GrBAL's online adaptation (Nagabandi et al. 2018; survey IV-A, algorithm 2): at every
 * control step, phi = theta* after k gradient steps of rate alpha on the loss of the last M
 * transitions (eq. 3 applied k times, {@link Adaptation#adapt}), the loss the model was
 * meta-trained to adapt with ({@code adapt.loss}). phi depends only on theta* and the
 * current window, never on earlier steps. For models without a context input.
 */
public final class GradientAdapter implements OnlineAdapter {
    public static final String NAME = "gradient";
    private final DynamicsModel model;
    private final INDArray thetaStar;
    private final AdapterSettings settings;

    public GradientAdapter(DynamicsModel model, INDArray thetaStar, AdapterSettings settings) {
        if (model.contextDim() != 0) {
            throw new IllegalArgumentException("the gradient adapter takes a model without context input; got context_dim "
                    + model.contextDim());
        }
        this.model = model;
        this.thetaStar = thetaStar;
        this.settings = settings;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void reset() {}

    @Override
    public AdaptedModel adapt(Batch window) {
        if (window == null || settings.steps() == 0) {
            return AdaptedModel.of(thetaStar);
        }
        return AdaptedModel.of(Adaptation.adapt(model, thetaStar, window, settings.steps(), settings.lr(), settings.loss()));
    }
}
