package org.mbmrl.workers.control;

import org.mbmrl.workers.learn.Adaptation;
import org.mbmrl.workers.model.GaussianMlp;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * GrBAL's online adaptation (Nagabandi et al. 2018; survey IV-A, algorithm 2): at every
 * control step, phi = theta* after k gradient steps of rate alpha on the loss of the last M
 * transitions (eq. 3 applied k times, {@link Adaptation#adapt}), the loss the model was
 * meta-trained to adapt with ({@code adapt.loss}). phi depends only on theta* and the
 * current window, never on earlier steps.
 */
public final class GradientAdapter implements OnlineAdapter {
    public static final String NAME = "gradient";
    private final GaussianMlp model;
    private final INDArray thetaStar;
    private final AdapterSettings settings;

    public GradientAdapter(GaussianMlp model, INDArray thetaStar, AdapterSettings settings) {
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
    public INDArray parameters(RecentTransitions recent) {
        if (recent.size() == 0 || settings.steps() == 0) {
            return thetaStar;
        }
        return Adaptation.adapt(model, thetaStar, recent.batch(), settings.steps(), settings.lr(), settings.loss());
    }
}
